/** `trades$`: capture messages → domain {@link Trade}s (receive-time `ts`, Decimal amounts). */
import { type OperatorFunction, filter, map } from 'rxjs';
import { type CaptureMessage, type Trade, type TradeMsg, tradeOf } from '../domain/market/index.ts';

/** Operator: the trade messages of the source as {@link Trade}s; other kinds are dropped. */
export function trades(): OperatorFunction<CaptureMessage, Trade> {
  return (source) =>
    source.pipe(
      filter((m): m is TradeMsg => m.kind === 'trade'),
      map(tradeOf),
    );
}
