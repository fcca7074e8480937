/**
 * The file form of the paper fill simulator's config (strategy-epp.md §12) and its conversion
 * into the domain's `PaperConfig`. Defaults come from `PAPER_DEFAULTS`.
 */
import type { z } from 'zod';
import type { Decimal } from '../../domain/money/decimal.ts';
import { PAPER_DEFAULTS } from '../../domain/paper/config.ts';
import type { PaperConfig } from '../../domain/paper/config.ts';
import { dec } from '../../domain/money/decimal.ts';
import { decimalField, intField, requireOrder, strictObject, WHEN_MAPPING } from './fields.ts';

const P = PAPER_DEFAULTS;

/** The paper section of a bot. */
export const paperSchema = strictObject(
  {
    seed: intField('[0,4294967295]', { def: P.seed, src: 'desk', doc: 'Seed of the fill model\'s PRNG: the same seed and data give the same fills, byte for byte.' }),
    latency_ms: intField('[0,60000]', { def: P.latencyMs, src: 'desk', doc: 'Milliseconds before a new order rests; also the minimum spacing of two partial fills of one order.' }),
    queue_participation: decimalField('[0,10]', { def: P.queueParticipation, src: 'desk', doc: 'Centre of the per-order queue factor: the queue ahead is the displayed size at the price × the factor.' }),
    queue_jitter_pct: decimalField('[0,1)', { def: P.queueJitterPct, src: '§12', doc: 'Half-width of the queue factor\'s seeded draw around queue_participation, as a fraction of it (±20%).' }),
    partial_fill_min: decimalField('(0,1]', { def: P.partialFillMin, src: 'desk', doc: 'Smallest share of the remaining amount one partial fill takes.' }),
    partial_fill_max: decimalField('(0,1]', { def: P.partialFillMax, src: 'desk', doc: 'Largest share of the remaining amount one partial fill takes (1 = the whole rest).' }),
    taker_slippage_pct: decimalField('[0,1)', { def: P.takerSlippagePct, src: 'desk', doc: 'Extra slippage on taker fills beyond walking the book, as a fraction of price.' }),
    post_fill_drift_window_ms: intField('[1,3600000]', { def: P.postFillDriftWindowMs, src: '§12', doc: 'Milliseconds after a fill at which the mid is sampled to measure adverse drift.' }),
    maker_fee_pct: decimalField('(-0.01,0.01)', { def: P.makerFeePct, src: 'desk', doc: 'Maker fee the simulator charges, as a fraction of notional (negative for a rebate).' }),
    taker_fee_pct: decimalField('[0,0.01)', { def: P.takerFeePct, src: 'desk', doc: 'Taker fee the simulator charges, as a fraction of notional.' }),
    start_base: decimalField('(-∞,∞)', { def: dec('0'), src: 'desk', doc: 'Base asset the paper account starts with (e.g. BTC); ≥ 0 on spot. On a perp: the signed position at start (negative = short; a live bot\'s must match the venue\'s).' }),
    start_quote: decimalField('[0,∞)', { def: dec('1000'), src: 'desk', doc: 'Quote asset the paper account starts with (e.g. USDT). On a perp: the margin (wallet) balance.' }),
    funding_rate: decimalField('[-0.03,0.03]', { def: dec('0.0001'), src: 'desk', doc: 'Perps only: the funding rate per settlement the paper desk charges (0.0001 = 0.01%, positive: longs pay shorts); also what the edge model prices.' }),
    funding_interval_s: intField('[60,86400]', { def: 28800, src: 'desk', doc: 'Perps only: seconds between funding settlements, at multiples of it since the epoch (28800 = 00:00, 08:00, 16:00 UTC).' }),
  },
  'a paper section',
).superRefine((v, ctx) => {
  requireOrder(ctx, v, 'partial_fill_min', 'partial_fill_max', '≤', 'partial_fill_min');
}, WHEN_MAPPING);

/** A parsed paper section. */
export type PaperFile = z.output<typeof paperSchema>;

/** The paper account's starting holdings (on a perp: the position and the wallet) and its funding. */
export interface PaperAccount {
  readonly startBase: Decimal;
  readonly startQuote: Decimal;
  /** Perps: the paper funding rate per settlement and the settlement interval. */
  readonly fundingRate: Decimal;
  readonly fundingIntervalMs: number;
}

/** The starting holdings of a parsed paper section. */
export function toPaperAccount(p: PaperFile): PaperAccount {
  return { startBase: p.start_base, startQuote: p.start_quote, fundingRate: p.funding_rate, fundingIntervalMs: p.funding_interval_s * 1000 };
}

/** Converts a parsed paper section into the domain's `PaperConfig`. */
export function toPaperConfig(p: PaperFile): PaperConfig {
  return {
    seed: p.seed,
    latencyMs: p.latency_ms,
    queueParticipation: p.queue_participation,
    queueJitterPct: p.queue_jitter_pct,
    partialFillMin: p.partial_fill_min,
    partialFillMax: p.partial_fill_max,
    takerSlippagePct: p.taker_slippage_pct,
    postFillDriftWindowMs: p.post_fill_drift_window_ms,
    makerFeePct: p.maker_fee_pct,
    takerFeePct: p.taker_fee_pct,
  };
}
