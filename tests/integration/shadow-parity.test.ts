/**
 * Shadow execution on the live desk: a ccxt bot quoting on the venue simulator through the real
 * ccxt client, its paper model running beside it (the venue's books and public trades, every
 * order mirrored). The shadow store holds an `order.created` for every live order under the same
 * client id, and the parity report of live vs shadow is written every `parity_interval_s` and at
 * stop, with fill ratio and reject rate measured.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Desk } from '../../actors/desk.ts';
import type { DeskConfig } from '../../config/schema/desk.ts';
import { Decimal } from '../../domain/money/decimal.ts';
import { silentLogger } from '../../otel/logger.ts';
import type { ParityReport } from '../../validation/parity.ts';
import { openVenueSim } from '../../venue-sim/open.ts';
import { BINANCE_BTCUSDT_SPOT, type Envelope, liveDeskConfig, quickStrategy, readEventsDir } from './live.helpers.ts';

const DATA = join(resolve(import.meta.dirname, '..', '..'), 'data', 'binance-spot-20240808', 'btcusdt_20240808.gz');
const ENV = { DESK_VENUE_API_KEY: 'test-key', DESK_VENUE_API_SECRET: 'test-secret' };


const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Tight, cheap quotes (a 2-bar EMA, a 1-bar ATR, a negative edge floor) so the bot quotes and fills within seconds. */
function configFor(url: string): DeskConfig {
  return liveDeskConfig('shadow-parity.yaml', 2, {
    id: 'btc-shadow',
    instrument: BINANCE_BTCUSDT_SPOT,
    execution: `{ kind: ccxt, url: ${url}, poll_interval_ms: 250, rate_limit_per_s: 50, recon_interval_s: 0, parity_interval_s: 5 }`,
    strategy: quickStrategy({ totalAmountQuote: '1000', priceToleranceTicks: 3000, cheapQuotes: { targetBasePct: '0.5' } }),
    paper: '{ start_base: "0.009", start_quote: "500", maker_fee_pct: "0", taker_fee_pct: "0.0004" }',
  });
}


const readReport = async (file: string): Promise<ParityReport | null> => JSON.parse(await readFile(file, 'utf8').catch(() => 'null')) as ParityReport | null;

describe('shadow execution on the live desk', () => {
  it('mirrors every live order into the shadow store and writes the parity report of live vs shadow', async () => {
    const sim = await openVenueSim({
      venue: 'binance', market: 'spot', port: 0, data: [DATA], speed: 10, balances: { USDT: '10000', BTC: '0.1' }, logger: silentLogger(),
      paper: { makerFeePct: new Decimal('0'), takerFeePct: new Decimal('0.0004') },
    });
    cleanups.push(() => sim.close());
    const varDir = await mkdtemp(join(tmpdir(), 'shadow-parity-'));
    cleanups.push(() => rm(varDir, { recursive: true, force: true }));
    // At most 40 s; stopped once the bot has quoted for a while (it quotes within seconds, later on a loaded machine).
    const desk = new Desk({ config: configFor(sim.url), configName: 'shadow-parity.yaml', speed: 1, durationS: 40, varDir, logger: silentLogger(), env: ENV });
    const done = desk.run();
    let finished = false;
    void done.finally(() => (finished = true));
    const latest = join(varDir, 'reports', 'parity', 'latest.json');
    let firstOrderAt: number | null = null;
    let periodic: ParityReport | null = null;
    while (!finished) {
      await new Promise((r) => setTimeout(r, 250));
      const placed = desk.runtimes[0]?.summary().ordersPlaced ?? 0;
      if (placed > 0) firstOrderAt ??= Date.now();
      // A periodic report (every 5 s) comes before the stop.
      periodic ??= await readReport(latest);
      if (firstOrderAt !== null && Date.now() - firstOrderAt > 12_000 && placed >= 6 && periodic !== null) desk.requestStop('SIGTERM');
    }
    expect(periodic?.schema, 'a periodic parity report before the stop').toBe('desk.parity_report/v1');
    const summary = await done;
    expect(['SIGTERM', 'duration']).toContain(summary.endedBy);

    const live = (await readEventsDir(join(varDir, 'events'))).filter((e) => e.botId === 'btc-shadow');
    const shadow = await readEventsDir(join(varDir, 'shadow', 'events'));
    const ids = (xs: Envelope[]): string[] => xs.filter((e) => e.type === 'order.created').map((e) => String(e.payload['clientOrderId']));
    const liveIds = ids(live);
    expect(liveIds.length).toBeGreaterThan(0);
    expect(ids(shadow), 'the shadow mirrors every live order, in order').toEqual(liveIds);
    // Same decision, same order: price, amount, side, post-only; a mid from the shadow's book.
    const created = (xs: Envelope[]): Map<string, Record<string, unknown>> => new Map(xs.filter((e) => e.type === 'order.created').map((e) => [String(e.payload['clientOrderId']), e.payload]));
    const [cl, cs] = [created(live), created(shadow)];
    for (const id of liveIds) {
      expect(cs.get(id)).toMatchObject({ side: cl.get(id)?.['side'], price: cl.get(id)?.['price'], amount: cl.get(id)?.['amount'], postOnly: cl.get(id)?.['postOnly'] });
    }
    expect(shadow.every((e) => e.botId === 'btc-shadow')).toBe(true);
    expect(shadow.filter((e) => e.type === 'order.created').every((e) => typeof e.payload['mid'] === 'string')).toBe(true);
    expect(shadow.some((e) => e.type === 'state.snapshot')).toBe(true);
    expect(shadow.map((e) => e.type)).toEqual(expect.arrayContaining(['bot.started', 'order.acked', 'bot.stopped']));
    // Every shadow order ended: nothing left open after the bot's last cancels were mirrored.
    const ended = new Set(shadow.filter((e) => ['order.cancelled', 'order.rejected'].includes(e.type) || (e.type === 'order.filled' && e.payload['remaining'] === '0')).map((e) => String(e.payload['clientOrderId'])));
    expect(liveIds.filter((id) => !ended.has(id)), 'shadow orders left open at stop').toEqual([]);

    // The report at stop: written under its UTC day and as latest; fill ratio and reject rate measured.
    const report = await readReport(latest);
    if (report === null) throw new Error('no parity report');
    expect(report.day).not.toBeNull();
    expect(await readReport(join(varDir, 'reports', 'parity', report.day ?? '', 'parity.json'))).toEqual(report);
    expect(report.a).toBe(join(varDir, 'events'));
    expect(report.b).toBe(join(varDir, 'shadow', 'events'));
    expect(report.window).toBe('5s');
    const bot = report.bots.find((b) => b.botId === 'btc-shadow');
    if (bot === undefined) throw new Error(`no bot in the report: ${JSON.stringify(report.findings)}`);
    const metric = (m: string): ParityReport['bots'][number]['overall']['metrics'][number] | undefined => bot.overall.metrics.find((x) => x.metric === m);
    for (const m of ['fill_ratio', 'reject_rate']) {
      expect(metric(m)?.status, `${m}: ${JSON.stringify(metric(m))}`).not.toBe('N/A');
      expect(metric(m)?.a).not.toBeNull();
      expect(metric(m)?.b).not.toBeNull();
    }
    expect(bot.windows.length).toBeGreaterThan(1);
    expect(['PASS', 'FAIL']).toContain(report.status);
  }, 60_000);
});
