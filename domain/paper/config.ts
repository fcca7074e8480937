/**
 * The paper fill simulator's configuration (strategy-epp.md §12) in domain form, with the
 * desk's defaults. The zod schema in `config/schema/` parses the snake_case form, takes its
 * defaults from `PAPER_DEFAULTS`, and converts into this type.
 */
import { Decimal } from '../money/decimal.ts';

export interface PaperConfig {
  /** Seed of the fill model's PRNG: same seed + same data ⇒ the same fills. */
  readonly seed: number;
  /** Delay before a new order rests (and minimum spacing of two partial fills of one order). */
  readonly latencyMs: number;
  /** Centre of the per-order queue factor: queue ahead = displayed size at the price × queue_factor. */
  readonly queueParticipation: Decimal;
  /** Half-width of the queue factor's draw around `queueParticipation`, as a fraction of it (§12: ±20%). */
  readonly queueJitterPct: Decimal;
  /** Bounds of the ratio of the remaining amount one partial fill takes. */
  readonly partialFillMin: Decimal;
  readonly partialFillMax: Decimal;
  /** Extra slippage applied to taker fills beyond walking the book, as a fraction of price. */
  readonly takerSlippagePct: Decimal;
  /** Horizon at which the mid is sampled after a fill to measure adverse drift. */
  readonly postFillDriftWindowMs: number;
  readonly makerFeePct: Decimal;
  readonly takerFeePct: Decimal;
}

export const PAPER_DEFAULTS: PaperConfig = {
  seed: 42,
  latencyMs: 150,
  queueParticipation: new Decimal('1.0'),
  queueJitterPct: new Decimal('0.2'),
  partialFillMin: new Decimal('0.3'),
  partialFillMax: new Decimal('1.0'),
  takerSlippagePct: new Decimal('0.0001'),
  postFillDriftWindowMs: 500,
  makerFeePct: new Decimal('0.00075'),
  takerFeePct: new Decimal('0.00075'),
};
