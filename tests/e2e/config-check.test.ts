/**
 * End to end through the installed entry point: `node bin/desk.js config check …` in a child
 * process, exit codes and output as a user sees them.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function desk(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/desk.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('desk config check (e2e)', () => {
  it('a config with three errors: exit 2 and all three paths printed', () => {
    const r = desk('config', 'check', 'tests/fixtures/config/three-errors.yaml');
    expect(r.status, r.stderr).toBe(2);
    for (const path of ['bots[0].strategy.ema_perod', 'bots[1].strategy.regimes.up.spread_min', 'bots[1].paper.partial_fill_min']) {
      expect(r.stdout).toContain(`${path}: expected `);
    }
    expect(r.stdout).toContain('3 violations');
  });

  it('a valid config: exit 0', () => {
    const r = desk('config', 'check', 'config/examples/bot.paper.yaml');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('config/examples/bot.paper.yaml: ok');
  });

  it('a missing file: exit 2 with a clear message', () => {
    const r = desk('config', 'check', '--json', 'does-not-exist.yaml');
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, files: [{ file: 'does-not-exist.yaml', stage: 'read' }] });
  });
});
