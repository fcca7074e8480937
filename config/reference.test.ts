import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REFERENCE_PATH, renderConfigReference } from './schema/reference.ts';
import { sections } from './schema/walk.ts';
import { deskSchema } from './schema/desk.ts';

describe('docs/config-reference.md', () => {
  it('is what the generator produces (run `npm run docs:config` when this fails)', () => {
    const committed = readFileSync(fileURLToPath(new URL(`../${REFERENCE_PATH}`, import.meta.url)), 'utf8');
    if (committed !== renderConfigReference()) {
      expect.fail(`${REFERENCE_PATH} is stale: run \`npm run docs:config\` and commit the result`);
    }
  });

  it('documents every field with a type, a constraint and a description', () => {
    const rows = sections(deskSchema).flatMap((s) => s.rows.map((r) => ({ ...r, path: `${s.path}.${r.key}` })));
    expect(rows.length).toBeGreaterThan(90);
    for (const r of rows) {
      expect(r.description.length, r.path).toBeGreaterThan(20);
      expect(r.constraint, r.path).not.toBe('');
      expect(r.required || r.default !== undefined || /Optional\./.test(r.description), r.path).toBe(true);
    }
  });

  it('shows the spec defaults, Decimals as strings', () => {
    const text = renderConfigReference();
    expect(text).toContain('### `bots[].strategy.regimes.high_vol_shock`');
    expect(text).toMatch(/\| `spread_max` \| decimal \| `0\.012` \|/);
    expect(text).toMatch(/\| `maker_fee_pct` \| decimal \| `0\.00075` \|/);
  });
});
