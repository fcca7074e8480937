/**
 * A live bot's fee rates, resolved at start along a chain of sources: the venue's own
 * (`fetchTradingFee`), else the project's (the desk file's `venue_fees.<venue>.<market>`), else
 * the strategy's `maker_fee_pct` / `taker_fee_pct` (manual). `execution.fee_source` picks where the
 * chain starts: `auto` at the venue, `project` at the project table, `manual` at the strategy.
 *
 * The outcome is audited (`venue.fees`: the rates, their source, and every candidate considered
 * with why the earlier ones were skipped) and logged. The rates are recorded, not fed back: the
 * edge model (spreads, the edge gate) uses the strategy's rates whatever the source, so resolved
 * rates that differ from them are a warning, and a venue maker fee above the strategy's is the
 * sharper warning that the edge model assumes a lower cost than the venue charges.
 */
import type { Exchange } from 'ccxt';
import type { FeeSource } from '../config/schema/execution.ts';
import type { Venue } from '../config/schema/instrument.ts';
import type { FeeRates, VenueFeeTable } from '../config/schema/venue-fees.ts';
import { Decimal } from '../domain/money/decimal.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { MarketKind } from '../domain/strategy/epp/config.ts';
import type { Logger } from '../otel/logger.ts';
import type { EventLog } from './event-log.ts';

/** Where resolved rates came from: the venue's endpoint, the desk's `venue_fees`, or the strategy. */
export type FeeOrigin = 'venue' | 'project' | 'manual';

export interface ResolvedFees extends FeeRates {
  readonly source: FeeOrigin;
}

export interface FeeResolveOptions {
  readonly botId: string;
  readonly exchange: Pick<Exchange, 'fetchTradingFee'>;
  /** Unified symbol, e.g. `BTC/USDT`. */
  readonly symbol: string;
  readonly venue: Venue;
  readonly market: MarketKind;
  /** The bot's `execution.fee_source`. */
  readonly feeSource: FeeSource;
  /** The desk file's `venue_fees`, if it has one. */
  readonly project: VenueFeeTable | undefined;
  /** The strategy's `maker_fee_pct` / `taker_fee_pct`: the last fallback. */
  readonly manual: FeeRates;
  readonly log: EventLog;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** One source the chain looked at: its rates when it gave them, or why it was passed over. */
type Candidate = { readonly source: FeeOrigin; readonly maker: string; readonly taker: string } | { readonly source: FeeOrigin; readonly skipped: string };

const asDecimal = (x: unknown): Decimal | null => (typeof x === 'number' && Number.isFinite(x) ? new Decimal(String(x)) : null);

/** The venue's rates, or why there are none. */
async function askVenue(o: FeeResolveOptions): Promise<FeeRates | string> {
  try {
    const f = await o.exchange.fetchTradingFee(o.symbol);
    const maker = asDecimal(f.maker);
    const taker = asDecimal(f.taker);
    return maker !== null && taker !== null ? { maker, taker } : 'the venue answered without maker and taker rates';
  } catch (e) {
    return `the venue's fee endpoint failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

interface ChainOutcome {
  readonly fees: ResolvedFees;
  readonly candidates: Candidate[];
  /** Sources the chain asked and got nothing from (not those `fee_source` skips on purpose). */
  readonly missed: string[];
}

/** Walks the chain from where `fee_source` starts it; the manual rates always answer. */
async function walkChain(o: FeeResolveOptions): Promise<ChainOutcome> {
  const candidates: Candidate[] = [];
  const missed: string[] = [];
  const take = (source: FeeOrigin, r: FeeRates): ChainOutcome => {
    candidates.push({ source, maker: r.maker.toFixed(), taker: r.taker.toFixed() });
    return { fees: { ...r, source }, candidates, missed };
  };
  const miss = (source: FeeOrigin, why: string): void => {
    candidates.push({ source, skipped: why });
    missed.push(`${source}: ${why}`);
  };
  if (o.feeSource === 'auto') {
    const v = await askVenue(o);
    if (typeof v !== 'string') return take('venue', v);
    miss('venue', v);
  } else {
    candidates.push({ source: 'venue', skipped: `execution.fee_source is ${o.feeSource}` });
  }
  if (o.feeSource === 'manual') {
    candidates.push({ source: 'project', skipped: 'execution.fee_source is manual' });
  } else {
    const p = o.project?.[o.venue]?.[o.market];
    if (p !== undefined) return take('project', p);
    miss('project', `the desk config has no venue_fees.${o.venue}.${o.market}`);
  }
  return take('manual', o.manual);
}

/** Resolves, audits (`venue.fees`) and logs the bot's fee rates; never throws for a venue's failure. */
export async function resolveFees(o: FeeResolveOptions): Promise<ResolvedFees> {
  const { fees, candidates, missed } = await walkChain(o);
  const payload = {
    maker: fees.maker.toFixed(),
    taker: fees.taker.toFixed(),
    source: fees.source,
    feeSource: o.feeSource,
    candidates,
    manualMaker: o.manual.maker.toFixed(),
    manualTaker: o.manual.taker.toFixed(),
  };
  o.log.append(`venue.${o.botId}`, { type: 'venue.fees', ts: o.clock.now(), botId: o.botId, payload });
  logOutcome(o, fees, missed, payload);
  return fees;
}

function logOutcome(o: FeeResolveOptions, fees: ResolvedFees, missed: readonly string[], payload: object): void {
  const ctx = { bot: o.botId, ...payload };
  if (missed.length > 0) o.logger.warn({ ...ctx, missed }, `venue fees: using the ${fees.source} rates (${missed.join('; ')})`);
  else o.logger.info(ctx, `venue fees (${fees.source})`);
  if (fees.source === 'venue' && fees.maker.gt(o.manual.maker)) {
    o.logger.warn(ctx, `venue fees: the venue charges a maker fee of ${fees.maker.toFixed()}, above the strategy's maker_fee_pct ${o.manual.maker.toFixed()}: the edge model uses a lower fee than the venue charges`);
  } else if (!fees.maker.eq(o.manual.maker) || !fees.taker.eq(o.manual.taker)) {
    o.logger.warn(
      ctx,
      `venue fees: the ${fees.source} rates (maker ${fees.maker.toFixed()}, taker ${fees.taker.toFixed()}) differ from the strategy's maker_fee_pct ${o.manual.maker.toFixed()} / taker_fee_pct ${o.manual.taker.toFixed()}: the edge model uses the strategy's rates`,
    );
  }
}
