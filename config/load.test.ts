import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectFormat, loadConfigFile, parseConfigText } from './load.ts';

const repo = (p: string): string => fileURLToPath(new URL(`../${p}`, import.meta.url));
const BOT_YAML = `id: btc
instrument:
  venue: binance
  symbol: BTCUSDT
  base: BTC
  quote: USDT
  tick_size: "0.01"
  lot_step: "0.00001"
  min_amount: "0.00001"
  min_notional: "5"
`;

describe('config loading', () => {
  it('detects the format by extension, else by content', () => {
    expect(detectFormat('a.json', 'x: 1')).toBe('json');
    expect(detectFormat('a.YML', '{}')).toBe('yaml');
    expect(detectFormat('desk.conf', '  {"bots": []}')).toBe('json');
    expect(detectFormat('desk.conf', 'bots: []')).toBe('yaml');
  });

  it('loads a valid YAML bot into domain form', () => {
    const r = parseConfigText(BOT_YAML, 'bot.yaml');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.config.bots[0]?.instrument.tickSize.toString()).toBe('0.01');
  });

  it('reports a YAML syntax error with line and column, and does not throw', () => {
    const r = parseConfigText('id: btc\ninstrument:\n  venue: binance\n  symbol: BTC: USDT\n', 'bad.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.stage).toBe('syntax');
    expect(r.violations[0]).toMatchObject({ path: '', line: 4, column: 11 });
    expect(r.violations[0]?.message).toContain('Nested mappings are not allowed');
    expect(r.violations[0]?.message).toMatch(/^YAML syntax error: /);
  });

  it('reports a duplicate key as a syntax error at its line', () => {
    const r = parseConfigText(`${BOT_YAML}id: again\n`, 'dup.yaml');
    expect(!r.ok && r.stage === 'syntax' && r.violations[0]?.line).toBe(11);
  });

  it('reports a JSON syntax error with line and column', () => {
    const r = parseConfigText('{\n  "id": "btc",\n  "instrument": }\n', 'bad.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.violations[0]).toMatchObject({ path: '', line: 3, column: 17 });
  });

  it('returns all schema violations at once, each with its path and source position', () => {
    const text = BOT_YAML.replace('tick_size: "0.01"', 'tick_size: "-1"') + 'strategy:\n  ema_perod: 5\n  band_lo: 0.5\n';
    const r = parseConfigText(text, 'bot.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.stage).toBe('schema');
    expect(r.violations.map((v) => [v.path, v.line, v.column])).toEqual([
      ['instrument.tick_size', 7, 3],
      ['strategy.ema_perod', 12, 3],
      ['strategy.band_lo', 13, 3],
    ]);
  });

  it('locates violations in JSON files too', () => {
    const r = parseConfigText('{\n  "bots": [\n    { "id": "A" }\n  ]\n}\n', 'desk.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.violations.find((v) => v.path === 'bots[0].id')).toMatchObject({ line: 3, column: 7 });
  });

  it('a missing file is a read failure, not an exception', async () => {
    const r = await loadConfigFile('/nonexistent/desk.yaml');
    expect(r).toMatchObject({ ok: false, stage: 'read', violations: [{ path: '', message: 'cannot read the file: no such file' }] });
  });

  it('the example bot loads, with capture paths resolved against its folder', async () => {
    const r = await loadConfigFile(repo('config/examples/bot.paper.yaml'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.marketData?.captures[0]?.files[0]).toBe(repo('data/binance-spot-20240808/btcusdt_20240808.gz'));
    expect(r.config.bots[0]?.strategy.regimes.neutral_low_vol.spreadMax.toString()).toBe('0.005');
  });

  it('a capture file that does not exist is a violation at its path and line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'desk-config-'));
    const file = join(dir, 'bot.yaml');
    await writeFile(file, `${BOT_YAML}market_data:\n  captures:\n    - venue: binance\n      symbol: BTCUSDT\n      files: [missing.gz]\n`);
    const r = await loadConfigFile(file);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.violations).toMatchObject([{ path: 'market_data.captures[0].files[0]', line: 15 }]);
  });

  it('the three-error fixture yields exactly three violations', async () => {
    const r = await loadConfigFile(repo('tests/fixtures/config/three-errors.yaml'));
    expect(r.ok ? [] : r.violations.map((v) => v.path)).toEqual([
      'bots[0].strategy.ema_perod',
      'bots[1].strategy.regimes.up.spread_min',
      'bots[1].paper.partial_fill_min',
    ]);
  });
});
