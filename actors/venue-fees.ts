/**
 * A live bot's fee rates, resolved at start: the venue's own (`fetchTradingFee`) when it answers,
 * else the strategy's configured `maker_fee_pct` / `taker_fee_pct`. The source is audited
 * (`venue.fees`) and logged; a venue maker fee above the configured one is a warning, because
 * the edge model (spreads, the edge gate) then assumes a lower cost than the venue charges.
 */
import type { Exchange } from 'ccxt';
import { Decimal } from '../domain/money/decimal.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { Logger } from '../otel/logger.ts';
import type { EventLog } from './event-log.ts';

export interface ResolvedFees {
  readonly maker: Decimal;
  readonly taker: Decimal;
  readonly source: 'venue' | 'config';
}

export interface FeeResolveOptions {
  readonly botId: string;
  readonly exchange: Pick<Exchange, 'fetchTradingFee'>;
  /** Unified symbol, e.g. `BTC/USDT`. */
  readonly symbol: string;
  readonly configured: { readonly maker: Decimal; readonly taker: Decimal };
  readonly log: EventLog;
  readonly clock: Clock;
  readonly logger: Logger;
}

const asDecimal = (x: unknown): Decimal | null => (typeof x === 'number' && Number.isFinite(x) ? new Decimal(String(x)) : null);

export async function resolveFees(o: FeeResolveOptions): Promise<ResolvedFees> {
  let fees: ResolvedFees = { ...o.configured, source: 'config' };
  let reason: string | null = null;
  try {
    const f = await o.exchange.fetchTradingFee(o.symbol);
    const maker = asDecimal(f.maker);
    const taker = asDecimal(f.taker);
    if (maker !== null && taker !== null) fees = { maker, taker, source: 'venue' };
    else reason = 'the venue answered without maker and taker rates';
  } catch (e) {
    reason = e instanceof Error ? e.message : String(e);
  }
  const payload = { maker: fees.maker.toFixed(), taker: fees.taker.toFixed(), source: fees.source, configuredMaker: o.configured.maker.toFixed(), configuredTaker: o.configured.taker.toFixed() };
  o.log.append(`venue.${o.botId}`, { type: 'venue.fees', ts: o.clock.now(), botId: o.botId, payload });
  if (reason !== null) o.logger.warn({ bot: o.botId, ...payload, reason }, 'venue fees: the venue did not give its rates; using the strategy config');
  else o.logger.info({ bot: o.botId, ...payload }, 'venue fees');
  if (fees.source === 'venue' && fees.maker.gt(o.configured.maker)) {
    o.logger.warn({ bot: o.botId, ...payload }, `venue fees: the venue charges a maker fee of ${fees.maker.toFixed()}, above the strategy's maker_fee_pct ${o.configured.maker.toFixed()}: the edge model uses a lower fee than the venue charges`);
  }
  return fees;
}
