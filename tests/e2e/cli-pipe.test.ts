/**
 * The CLI as a Unix filter: output piped into a reader that has already gone (`desk … | head -1`)
 * ends the process quietly with the command's own exit code, not a crash on EPIPE.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function deskIntoClosedPipe(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/desk.js', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the first write
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('desk writing into a closed pipe', () => {
  it('--help: exit 0, nothing on stderr', async () => {
    const r = await deskIntoClosedPipe(['--help']);
    expect(r).toEqual({ code: 0, stderr: '' });
  });

  it('a command that fails keeps its exit code: config check of an invalid file exits 2', async () => {
    const r = await deskIntoClosedPipe(['config', 'check', 'tests/fixtures/config/three-errors.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('EPIPE');
  });
});
