/**
 * The fee chain (venue → project → manual) per `execution.fee_source`, with a hand-written
 * `fetchTradingFee` that answers, throws, or answers without rates; the `venue.fees` audit and the
 * warnings.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../adapters/clock/virtual-clock.ts';
import type { FeeSource } from '../config/schema/execution.ts';
import type { VenueFeeTable } from '../config/schema/venue-fees.ts';
import type { EventEnvelope } from '../domain/events/envelope.ts';
import { Decimal } from '../domain/money/decimal.ts';
import { createLogger } from '../otel/logger.ts';
import { createEventLog } from './event-log.ts';
import { type FeeResolveOptions, resolveFees } from './venue-fees.ts';

const d = (x: string): Decimal => new Decimal(x);
const MANUAL = { maker: d('0.0002'), taker: d('0.0005') };
const PROJECT: VenueFeeTable = { binance: { spot: { maker: d('0.0001'), taker: d('0.0004') } } };

type VenueAnswer = { maker?: number; taker?: number } | Error;

/** A `fetchTradingFee` stub and what it was asked. */
function venue(answer: VenueAnswer): { exchange: FeeResolveOptions['exchange']; asked: string[] } {
  const asked: string[] = [];
  const exchange = {
    fetchTradingFee: (symbol: string) => {
      asked.push(symbol);
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve({ info: {}, symbol, ...answer });
    },
  } as unknown as FeeResolveOptions['exchange'];
  return { exchange, asked };
}

interface Run {
  readonly fees: Awaited<ReturnType<typeof resolveFees>>;
  readonly audit: Record<string, unknown>;
  readonly warnings: string[];
  readonly asked: string[];
}

async function run(feeSource: FeeSource, answer: VenueAnswer, o: { project?: VenueFeeTable; manual?: typeof MANUAL } = {}): Promise<Run> {
  const events: EventEnvelope[] = [];
  const lines: { level: number; msg: string }[] = [];
  const logger = createLogger([{ stream: { write: (s: string) => void lines.push(JSON.parse(s) as { level: number; msg: string }) }, level: 'info' }]);
  const { exchange, asked } = venue(answer);
  const fees = await resolveFees({
    botId: 'btc', exchange, symbol: 'BTC/USDT', venue: 'binance', market: 'spot', feeSource,
    project: 'project' in o ? o.project : PROJECT, manual: o.manual ?? MANUAL,
    log: createEventLog({ append: (e) => events.push(e) }), clock: new VirtualClock(1_000), logger,
  });
  expect(events.map((e) => [e.type, e.botId])).toEqual([['venue.fees', 'btc']]);
  return { fees, audit: events[0]?.payload as Record<string, unknown>, warnings: lines.filter((l) => l.level === 40).map((l) => l.msg), asked };
}

const rates = (f: Run['fees']): [string, string, string] => [f.source, f.maker.toFixed(), f.taker.toFixed()];

describe('resolveFees, fee_source auto: venue → project → manual', () => {
  it('the venue answers: its rates, the only candidate', async () => {
    const r = await run('auto', { maker: 0.0002, taker: 0.0006 });
    expect(rates(r.fees)).toEqual(['venue', '0.0002', '0.0006']);
    expect(r.asked).toEqual(['BTC/USDT']);
    expect(r.audit).toEqual({ maker: '0.0002', taker: '0.0006', source: 'venue', feeSource: 'auto', candidates: [{ source: 'venue', maker: '0.0002', taker: '0.0006' }], manualMaker: '0.0002', manualTaker: '0.0005' });
    expect(r.warnings).toEqual([expect.stringMatching(/venue rates .* differ from the strategy's .*: the edge model uses the strategy's rates/)]);
  });

  it('the venue throws: the project rates, with the venue skipped and why', async () => {
    const r = await run('auto', new Error('binance GET /sapi/v1/asset/tradeFee 500'));
    expect(rates(r.fees)).toEqual(['project', '0.0001', '0.0004']);
    expect(r.audit['candidates']).toEqual([
      { source: 'venue', skipped: "the venue's fee endpoint failed: binance GET /sapi/v1/asset/tradeFee 500" },
      { source: 'project', maker: '0.0001', taker: '0.0004' },
    ]);
    expect(r.warnings[0]).toMatch(/^venue fees: using the project rates \(venue: the venue's fee endpoint failed/);
  });

  it('the venue answers without rates and the project has no entry: the manual rates, both skips recorded', async () => {
    const r = await run('auto', { maker: 0.001 }, { project: { binance: { perp: { maker: d('0'), taker: d('0') } } } });
    expect(rates(r.fees)).toEqual(['manual', '0.0002', '0.0005']);
    expect(r.audit['candidates']).toEqual([
      { source: 'venue', skipped: 'the venue answered without maker and taker rates' },
      { source: 'project', skipped: 'the desk config has no venue_fees.binance.spot' },
      { source: 'manual', maker: '0.0002', taker: '0.0005' },
    ]);
    // The manual rates are the strategy's: one warning (what was missed), none about a difference.
    expect(r.warnings).toEqual(['venue fees: using the manual rates (venue: the venue answered without maker and taker rates; project: the desk config has no venue_fees.binance.spot)']);
  });

  it('no venue_fees at all in the desk config is the same as no entry', async () => {
    const r = await run('auto', new Error('down'), { project: undefined });
    expect(r.fees.source).toBe('manual');
  });

  it("a venue maker fee above the strategy's keeps its own warning (and no second one)", async () => {
    const r = await run('auto', { maker: 0.001, taker: 0.001 });
    expect(r.fees.source).toBe('venue');
    expect(r.warnings).toEqual(["venue fees: the venue charges a maker fee of 0.001, above the strategy's maker_fee_pct 0.0002: the edge model uses a lower fee than the venue charges"]);
  });

  it('venue rates equal to the strategy: no warning', async () => {
    const r = await run('auto', { maker: 0.0002, taker: 0.0005 });
    expect(r.fees.source).toBe('venue');
    expect(r.warnings).toEqual([]);
  });
});

describe('resolveFees, fee_source project: project → manual, the venue never asked', () => {
  it('the project entry', async () => {
    const r = await run('project', { maker: 0.0002, taker: 0.0006 });
    expect(rates(r.fees)).toEqual(['project', '0.0001', '0.0004']);
    expect(r.asked).toEqual([]);
    expect(r.audit['candidates']).toEqual([{ source: 'venue', skipped: 'execution.fee_source is project' }, { source: 'project', maker: '0.0001', taker: '0.0004' }]);
    expect(r.warnings).toEqual(["venue fees: the project rates (maker 0.0001, taker 0.0004) differ from the strategy's maker_fee_pct 0.0002 / taker_fee_pct 0.0005: the edge model uses the strategy's rates"]);
  });

  it('no entry: falls back to manual and says so', async () => {
    const r = await run('project', new Error('never asked'), { project: {} });
    expect(rates(r.fees)).toEqual(['manual', '0.0002', '0.0005']);
    expect(r.asked).toEqual([]);
    expect(r.audit['candidates']).toEqual([
      { source: 'venue', skipped: 'execution.fee_source is project' },
      { source: 'project', skipped: 'the desk config has no venue_fees.binance.spot' },
      { source: 'manual', maker: '0.0002', taker: '0.0005' },
    ]);
    expect(r.warnings).toEqual(['venue fees: using the manual rates (project: the desk config has no venue_fees.binance.spot)']);
  });
});

describe('resolveFees, fee_source manual: the strategy rates only', () => {
  it.each<[string, VenueAnswer]>([
    ['the venue would answer', { maker: 0.0001, taker: 0.0001 }],
    ['the venue would throw', new Error('down')],
    ['the venue would answer without rates', {}],
  ])('%s: manual, the venue and the project skipped on purpose, no warning', async (_label, answer) => {
    const r = await run('manual', answer);
    expect(rates(r.fees)).toEqual(['manual', '0.0002', '0.0005']);
    expect(r.asked).toEqual([]);
    expect(r.audit).toMatchObject({
      source: 'manual',
      feeSource: 'manual',
      candidates: [
        { source: 'venue', skipped: 'execution.fee_source is manual' },
        { source: 'project', skipped: 'execution.fee_source is manual' },
        { source: 'manual', maker: '0.0002', taker: '0.0005' },
      ],
    });
    expect(r.warnings).toEqual([]);
  });
});

describe('resolveFees, the other fee sources with each venue answer', () => {
  it.each<[FeeSource, string, VenueAnswer, string]>([
    ['auto', 'answers', { maker: 0.0003, taker: 0.0007 }, 'venue'],
    ['auto', 'throws', new Error('x'), 'project'],
    ['auto', 'answers without rates', { taker: 0.0007 }, 'project'],
    ['project', 'answers', { maker: 0.0003, taker: 0.0007 }, 'project'],
    ['project', 'throws', new Error('x'), 'project'],
    ['project', 'answers without rates', {}, 'project'],
  ])('fee_source %s, the venue %s: %s', async (feeSource, _label, answer, source) => {
    expect((await run(feeSource, answer)).fees.source).toBe(source);
  });
});
