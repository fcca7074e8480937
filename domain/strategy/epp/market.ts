/**
 * The running indicators of strategy-epp §2, fed from book tops: 1-minute mid bars (close =
 * last mid of the minute) drive the EMA and the Wilder ATR; every tick drives the 30-second
 * drift. The regime thresholds derived from a bar are computed once when it closes, so a tick
 * between bars costs only the mid, the bar update and the drift update.
 */
import { type AtrState, type DriftState, type EmaState, atrInit, atrUpdate, bandPct, driftInit, driftUpdate, emaInit, emaUpdate, isWarm } from '../../indicators/index.ts';
import { type BarBuilderState, barBuilderInit, barUpdate } from '../../market/bars.ts';
import type { BookTop } from '../../market/types.ts';
import { type Decimal, ZERO, cmp } from '../../money/decimal.ts';
import type { EppConfig } from './config.ts';
import { type RegimeThresholds, regimeThresholds } from './regime.ts';

export interface MarketState {
  readonly bars: BarBuilderState;
  readonly ema: EmaState;
  readonly atr: AtrState;
  readonly drift: DriftState;
  /** Closed bars so far. */
  readonly barCount: number;
  /** Timestamp of the last book folded in, or null. */
  readonly lastTs: number | null;
  /** Thresholds from the last closed bar once the ATR is warm (`atr_period` bars); null while warming up. */
  readonly thresholds: RegimeThresholds | null;
}

/** Fresh indicators for `config`. */
export function marketInit(config: EppConfig): MarketState {
  return {
    bars: barBuilderInit(config.barIntervalS * 1000),
    ema: emaInit(config.emaPeriod),
    atr: atrInit(config.atrPeriod),
    drift: driftInit(config.driftWindowS * 1000),
    barCount: 0,
    lastTs: null,
    thresholds: null,
  };
}

/** Whether a book can be used: positive prices and bid < ask. */
export function bookUsable(book: BookTop): boolean {
  return cmp(book.bid, ZERO) > 0 && cmp(book.ask, book.bid) > 0;
}

/** Folds one usable book (with its mid) in; books older than the last one are ignored. */
export function marketUpdate(s: MarketState, book: BookTop, mid: Decimal, config: EppConfig): MarketState {
  if (s.lastTs !== null && book.ts < s.lastTs) return s;
  const bu = barUpdate(s.bars, book.ts, mid);
  let { ema, atr, barCount, thresholds } = s;
  for (const bar of bu.closed) {
    ema = emaUpdate(ema, bar.close);
    atr = atrUpdate(atr, bar);
    barCount += 1;
    thresholds = isWarm(atr) && ema.value !== null && atr.value !== null ? regimeThresholds(ema.value, bandPct(atr.value, bar.close), config) : null;
  }
  return { bars: bu.state, ema, atr, drift: driftUpdate(s.drift, book.ts, mid), barCount, lastTs: book.ts, thresholds };
}
