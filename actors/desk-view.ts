/**
 * What a running desk shows and what it reports at the end: the live view (rendered by the
 * terminal status view, refreshed while the replay runs) and the JSON summary written by
 * `desk up --summary`. Plain data: decimals are strings so the summary is byte-stable.
 */
import type { Regime } from '../domain/strategy/epp/config.ts';

/** One bot as the live view shows it. */
export interface BotView {
  readonly botId: string;
  readonly symbol: string;
  /** The bot machine's state (`Starting`, `WarmingUp`, `Running`, `SoftPaused`, `HardStopped`, `Stopped`, `Disabled`). */
  readonly state: string;
  /** Current regime, null while warming up. */
  readonly regime: Regime | null;
  /** Quoted spread of the innermost level in bps, null when not quoting. */
  readonly spreadBps: string | null;
  /** Levels quoted per side on the last tick. */
  readonly levels: number;
  /** Base inventory as % of equity (e.g. "48.2"), null without a price. */
  readonly basePct: string | null;
  readonly equity: string;
  /** Realized + unrealized PnL in quote since start. */
  readonly pnl: string;
  readonly fills: number;
  readonly openOrders: number;
  /** Soft-pause reasons or the hard-stop reason, empty when running. */
  readonly reasons: readonly string[];
}

/** Replay progress. */
export interface ProgressView {
  /** Virtual time of the last message (ms). */
  readonly nowMs: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly messages: number;
  readonly totalMessages: number;
  /** Replay speed as given (`max` or a factor). */
  readonly speed: string;
}

export interface DeskView {
  readonly bots: readonly BotView[];
  readonly progress: ProgressView;
}

/** One bot in the end-of-run summary. */
export interface BotSummary {
  readonly botId: string;
  readonly symbol: string;
  readonly variant: string;
  readonly finalState: string;
  /** Ticks spent in each regime (regimes never seen are 0). */
  readonly regimeTicks: Readonly<Record<Regime, number>>;
  /** Regime changes that took effect. */
  readonly regimeChanges: number;
  readonly ticks: number;
  readonly ordersPlaced: number;
  readonly ordersAcked: number;
  readonly ordersRejected: number;
  readonly ordersCancelled: number;
  readonly ordersFailed: number;
  readonly fills: number;
  /** Base volume and quote notional filled. */
  readonly volumeBase: string;
  readonly volumeQuote: string;
  /** Fees in quote (negative: rebates). */
  readonly fees: string;
  readonly realizedPnl: string;
  readonly unrealizedPnl: string;
  /** Perps: funding paid (+) or received (−) in quote, and the margin ratio at the end. */
  readonly funding?: string;
  readonly marginRatio?: string;
  readonly equityOpen: string;
  readonly equityClose: string;
  /** Largest peak-to-trough fall of equity, as a fraction of the peak. */
  readonly maxDrawdownPct: string;
  /** Orders placed at or through the opposite best price (must be 0: every order is post-only maker). */
  readonly insideBookPlacements: number;
  /** Open orders left at the end (0 after a clean stop). */
  readonly openOrdersAtEnd: number;
  readonly baseClose: string;
  readonly quoteClose: string;
}

export interface DeskSummary {
  readonly schemaVersion: 1;
  readonly config: string;
  readonly seed: number | null;
  /** Virtual time of the first and last replayed message (ISO-8601). */
  readonly dataStart: string;
  readonly dataEnd: string;
  readonly messages: number;
  /** Why the run ended: the data ran out, `--duration` elapsed, or a signal. */
  readonly endedBy: 'end_of_data' | 'duration' | 'SIGINT' | 'SIGTERM';
  readonly events: number;
  readonly bots: readonly BotSummary[];
}
