/**
 * The paper desk on a USDⓈ-M perpetual (config/examples/desk.perp.paper.yaml on the bundled
 * perp capture): a margin account, funding settled every minute and booked, the margin guard.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../config/load.ts';
import type { DeskConfig } from '../config/schema/desk.ts';
import { Decimal } from '../domain/money/decimal.ts';
import { silentLogger } from '../otel/logger.ts';
import { Desk } from './desk.ts';
import type { DeskSummary } from './desk-view.ts';

interface Ev { readonly type: string; readonly ts: number; readonly payload: Record<string, unknown> }

async function events(varDir: string): Promise<Ev[]> {
  const dir = join(varDir, 'events');
  const out: Ev[] = [];
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).sort()) {
    for (const line of (await readFile(join(dir, f), 'utf8')).split('\n')) if (line.trim() !== '') out.push(JSON.parse(line) as Ev);
  }
  return out;
}

describe('paper desk on a perp (bundled BTCUSDT USDⓈ-M capture)', () => {
  let config: DeskConfig;
  const dirs: string[] = [];
  const run = async (c: DeskConfig, durationS?: number): Promise<{ summary: DeskSummary; evs: Ev[] }> => {
    const varDir = await mkdtemp(join(tmpdir(), 'desk-perp-'));
    dirs.push(varDir);
    const desk = new Desk({ config: c, configName: 'desk.perp.paper.yaml', speed: 'max', varDir, logger: silentLogger(), ...(durationS === undefined ? {} : { durationS }) });
    const summary = await desk.run();
    return { summary, evs: await events(varDir) };
  };
  beforeAll(async () => {
    const r = await loadConfigFile(join(import.meta.dirname, '..', 'config', 'examples', 'desk.perp.paper.yaml'));
    if (!r.ok) throw new Error(JSON.stringify(r.violations));
    config = r.config;
  });
  afterAll(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it('quotes both sides from a flat position, books funding each minute as position·mark·rate, and keeps the §11 identity', async () => {
    const { summary, evs } = await run(config);
    const b = summary.bots[0];
    if (b === undefined) throw new Error('no bot');
    expect(b.ordersPlaced).toBeGreaterThan(0);
    expect(b.fills).toBeGreaterThan(0);
    expect(b.insideBookPlacements).toBe(0);
    const sells = evs.filter((e) => e.type === 'order.created' && e.payload['side'] === 'sell');
    expect(sells.length).toBeGreaterThan(0); // a flat perp account may sell: it opens a short
    const funding = evs.filter((e) => e.type === 'funding.accrued');
    // ~5.8 minutes of data, a settlement at every whole minute after the first tick.
    expect(funding.length).toBeGreaterThanOrEqual(4);
    let total = new Decimal(0);
    for (const f of funding) {
      const p = f.payload;
      expect(Number(p['settledAt']) % 60_000).toBe(0);
      expect(new Decimal(String(p['amount'])).eq(new Decimal(String(p['position'])).times(String(p['mark'])).times('0.0001'))).toBe(true);
      total = total.plus(String(p['amount']));
    }
    expect(new Set(funding.map((f) => f.payload['id'])).size).toBe(funding.length);
    expect(new Decimal(b.funding ?? 'missing').eq(total)).toBe(true);
    // equity − equityOpen = realized + unrealized − fees − funding
    const lhs = new Decimal(b.equityClose).minus(b.equityOpen);
    const rhs = new Decimal(b.realizedPnl).plus(b.unrealizedPnl).minus(b.fees).minus(b.funding ?? '0');
    expect(lhs.minus(rhs).abs().lt('1e-12')).toBe(true);
    expect(Number(b.marginRatio)).toBeGreaterThan(0.2);
    expect(Number(b.marginRatio)).toBeLessThanOrEqual(1);
  });

  it('a position too large for its wallet at the leverage soft-pauses on the margin ratio (never hard-stops before the 0.10 line)', async () => {
    const bot = config.bots[0];
    if (bot === undefined) throw new Error('no bot');
    // A 0.06 BTC long (~3,700 USDT) on a 2,600 USDT wallet at 1.6×.
    const squeezed: DeskConfig = {
      ...config,
      bots: [{ ...bot, account: { ...bot.account, startBase: new Decimal('0.06'), startQuote: new Decimal('2600') }, strategy: { ...bot.strategy, leverage: new Decimal('1.6') } }],
    };
    const { summary, evs } = await run(squeezed, 60);
    const transitions = evs.filter((e) => e.type === 'ops_guard.transition' || e.type === 'risk.decision');
    const reasons = transitions.flatMap((e) => [...((e.payload['reasons'] as string[] | undefined) ?? []), ...(e.payload['reason'] === undefined ? [] : [String(e.payload['reason'])])]);
    expect(reasons).toContain('margin_ratio');
    const ratio = Number(summary.bots[0]?.marginRatio);
    // 1 − 0.06·~61.8k/(1.6·2600) ≈ 0.11: below the soft line, above the hard one.
    expect(ratio).toBeLessThan(0.2);
    expect(ratio).toBeGreaterThan(0.1);
    expect(summary.bots[0]?.finalState).not.toBe('HardStopped');
    expect(evs.filter((e) => e.type === 'order.created')).toEqual([]);
  });

  it('below the hard line (0.10) the bot HARD_STOPs with reason margin_ratio', async () => {
    const bot = config.bots[0];
    if (bot === undefined) throw new Error('no bot');
    // 1 − 3,700/(1.2·2,600) < 0: the position needs more initial margin than the account's equity.
    const over: DeskConfig = { ...config, bots: [{ ...bot, account: { ...bot.account, startBase: new Decimal('0.06'), startQuote: new Decimal('2600') }, strategy: { ...bot.strategy, leverage: new Decimal('1.2') } }] };
    const { summary, evs } = await run(over, 30);
    const hard = evs.filter((e) => e.type === 'risk.decision' && e.payload['action'] === 'hard_stop');
    expect(hard.map((e) => e.payload['reason'])).toContain('margin_ratio');
    expect(Number(summary.bots[0]?.marginRatio)).toBe(0);
    expect(evs.filter((e) => e.type === 'order.created')).toEqual([]);
  });
});
