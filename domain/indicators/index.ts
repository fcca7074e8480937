/** Running indicators for the EPP controller: EMA, Wilder ATR, band %, time-window drift. */
export { type EmaState, emaInit, emaUpdate, emaBrute, emaAlpha } from './ema.ts';
export { type AtrState, type HlcBar, atrInit, atrUpdate, trueRange, atrBrute, isWarm } from './atr.ts';
export { bandPct } from './band.ts';
export { type DriftState, type MidSample, driftInit, driftUpdate, driftValue, driftBrute } from './drift.ts';
export { type PQueue, type ConsList, queueEmpty, queuePush, queuePeek, queuePop, queueToArray } from './queue.ts';
