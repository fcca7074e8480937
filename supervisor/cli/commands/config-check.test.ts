import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const VALID = 'config/examples/bot.paper.yaml';
const THREE = 'tests/fixtures/config/three-errors.yaml';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (s) => (out += s), err: (s) => (err += s), cwd: ROOT };
  const code = await main(['node', 'desk', ...args], io);
  return { code, out, err };
}

describe('desk config check', () => {
  it('exits 0 on a valid file', async () => {
    const r = await run('config', 'check', VALID);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${VALID}: ok (1 bot: btc-paper)\n`);
  });

  it('prints every violation with file, line, path and expectation; exits 2', async () => {
    const r = await run('config', 'check', THREE);
    expect(r.code).toBe(2);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe(`${THREE}: 3 violations`);
    expect(lines.slice(1)).toEqual([
      `  ${THREE}:9:7  bots[0].strategy.ema_perod: expected a known key (did you mean "ema_period"?), got unknown key "ema_perod"`,
      `  ${THREE}:14:15  bots[1].strategy.regimes.up.spread_min: expected spread_min ≤ spread_max, got spread_min 0.009 and spread_max 0.006`,
      `  ${THREE}:16:7  bots[1].paper.partial_fill_min: expected a decimal > 0 and ≤ 1, got "three tenths"`,
    ]);
    expect(r.err).toContain('1 of 1 file invalid');
  });

  it('checks every file given, and fails if any one fails', async () => {
    const r = await run('config', 'check', VALID, THREE, 'no/such.yaml');
    expect(r.code).toBe(2);
    expect(r.out).toContain(`${VALID}: ok`);
    expect(r.out).toContain(`${THREE}: 3 violations`);
    expect(r.out).toContain('no/such.yaml: cannot be read\n  no/such.yaml  cannot read the file: no such file');
    expect(r.err).toContain('2 of 3 files invalid');
  });

  it('--json prints a machine-readable report', async () => {
    const r = await run('config', 'check', '--json', VALID, THREE);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.out) as { ok: boolean; files: { file: string; ok: boolean; violations: { path: string; line?: number }[] }[] };
    expect(report.ok).toBe(false);
    expect(report.files.map((f) => [f.file, f.ok, f.violations.length])).toEqual([
      [VALID, true, 0],
      [THREE, false, 3],
    ]);
    expect(report.files[1]?.violations[0]).toMatchObject({ path: 'bots[0].strategy.ema_perod', line: 9 });
  });

  it('a syntax error exits 2 with its position', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'desk-check-')), 'bad.yaml');
    await writeFile(file, 'id: btc\ninstrument: {venue: binance\n');
    const r = await run('config', 'check', file);
    expect(r.code).toBe(2);
    expect(r.out).toContain(`${file}: 1 syntax error\n  ${file}:3:1  YAML syntax error: `);
  });

  it('without a file it is a usage error (exit 2)', async () => {
    const r = await run('config', 'check');
    expect(r.code).toBe(2);
    expect(r.err).toContain("missing required argument 'file'");
  });
});
