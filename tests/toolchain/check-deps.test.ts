import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '..', '..', 'scripts', 'check-deps.mjs');

function runOn(files: Record<string, string>): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'desk-deps-'));
  for (const [name, src] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), src);
  }
  const r = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

describe('domain dependency rule', () => {
  it('passes on the real domain/', () => {
    expect(() => execFileSync(process.execPath, [script], { encoding: 'utf8' })).not.toThrow();
  });
  it('accepts decimal.js and relative domain imports', () => {
    const r = runOn({ 'a.ts': "import Decimal from 'decimal.js';\nimport { b } from './b.ts';\n", 'b.ts': 'export const b = 1;\n' });
    expect(r.status).toBe(0);
  });
  it('fails on a foreign package, an import leaving domain/, the clock and randomness', () => {
    const r = runOn({
      'x/rx.ts': "import { of } from 'rxjs';\n",
      'x/up.ts': "import { y } from '../../elsewhere.ts';\n",
      'clock.ts': 'export const now = () => Date.now();\n',
      'rand.ts': 'export const r = () => Math.random();\n',
      'fs.ts': "import { readFileSync } from 'node:fs';\n",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/x\/rx\.ts: imports 'rxjs'/);
    expect(r.stderr).toMatch(/outside domain/);
    expect(r.stderr).toMatch(/clock\.ts:1: reads the wall clock/);
    expect(r.stderr).toMatch(/rand\.ts:1: uses unseeded randomness/);
    expect(r.stderr).toMatch(/fs\.ts: imports 'node:fs'/);
  });
  it('ignores mentions inside comments', () => {
    expect(runOn({ 'c.ts': '// never call Date.now() here\n/* Math.random() */\nexport const z = 0;\n' }).status).toBe(0);
  });
});
