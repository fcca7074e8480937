/**
 * Prometheus metrics for the desk. Every metric lives on a dedicated prom-client `Registry`
 * (never the global default), so tests and multiple desks in one process stay isolated.
 * Metric and label names are constants (conventions habit 12).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { REGIMES, type Regime } from '../domain/strategy/epp/config.ts';

export const METRIC_TICKS_TOTAL = 'desk_ticks_total';
export const METRIC_ORDERS_TOTAL = 'desk_orders_total';
export const METRIC_TICK_DURATION_SECONDS = 'desk_tick_duration_seconds';
export const METRIC_BOT_STATE = 'desk_bot_state';
export const METRIC_REGIME = 'desk_regime';
export const METRIC_EQUITY_QUOTE = 'desk_equity_quote';
export const METRIC_PNL_QUOTE = 'desk_pnl_quote';
export const METRIC_BASE_PCT = 'desk_base_pct';
export const METRIC_BOOK_AGE_SECONDS = 'desk_book_age_seconds';
export const METRIC_EVENT_STORE_LAG_EVENTS = 'desk_event_store_lag_events';
export const METRIC_VENUE_RATE_LIMIT_REMAINING = 'desk_venue_rate_limit_remaining';

export const LABEL_BOT = 'bot';
export const LABEL_ACTION = 'action';
export const LABEL_STATE = 'state';
export const LABEL_REGIME = 'regime';
export const LABEL_KIND = 'kind';
export const LABEL_ACCOUNT = 'account';

export const ORDER_ACTIONS = ['placed', 'cancelled', 'filled', 'rejected'] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

/** The bot machine's states (machines/bot.machine.ts, less its transient `Deciding`). */
export const BOT_STATES = ['Starting', 'Disabled', 'WarmingUp', 'Running', 'SoftPaused', 'HardStopped', 'Stopped'] as const;
export type BotState = (typeof BOT_STATES)[number];

export { REGIMES, type Regime };

export const PNL_KINDS = ['realized', 'unrealized'] as const;
export type PnlKind = (typeof PNL_KINDS)[number];

/** 1 µs … ~10 ms, roughly ×2.5 per step, plus a 25 ms catch for outliers. */
export const TICK_DURATION_BUCKETS: readonly number[] = [
  1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2,
];

type BotLabel = typeof LABEL_BOT;

export interface DeskMetrics {
  readonly registry: Registry;
  readonly venueRateLimitRemaining: Gauge<typeof LABEL_ACCOUNT>;
  /** Reports a venue account's remaining request budget (`desk_venue_rate_limit_remaining{account}`) at each scrape. */
  watchRateLimiter(account: string, remaining: () => number): void;
  readonly ticksTotal: Counter<BotLabel>;
  readonly ordersTotal: Counter<BotLabel | typeof LABEL_ACTION>;
  readonly tickDurationSeconds: Histogram<BotLabel>;
  readonly botState: Gauge<BotLabel | typeof LABEL_STATE>;
  readonly regime: Gauge<BotLabel | typeof LABEL_REGIME>;
  readonly equityQuote: Gauge<BotLabel>;
  readonly pnlQuote: Gauge<BotLabel | typeof LABEL_KIND>;
  readonly basePct: Gauge<BotLabel>;
  readonly bookAgeSeconds: Gauge<BotLabel>;
  readonly eventStoreLagEvents: Gauge;
  /** Sets `desk_bot_state{bot,state}` to 1 for `state` and 0 for every other state in BOT_STATES. */
  setBotState(bot: string, state: BotState): void;
  /** Sets `desk_regime{bot,regime}` to 1 for `regime` and 0 for every other regime in REGIMES. */
  setRegime(bot: string, regime: Regime): void;
  /** Increments `desk_orders_total{bot,action}`. */
  countOrder(bot: string, action: OrderAction, n?: number): void;
}

export function createDeskMetrics(registry: Registry = new Registry()): DeskMetrics {
  const registers = [registry];
  const ticksTotal = new Counter({
    name: METRIC_TICKS_TOTAL,
    help: 'Strategy ticks processed per bot.',
    labelNames: [LABEL_BOT] as const,
    registers,
  });
  const ordersTotal = new Counter({
    name: METRIC_ORDERS_TOTAL,
    help: 'Order lifecycle events per bot and action (placed|cancelled|filled|rejected).',
    labelNames: [LABEL_BOT, LABEL_ACTION] as const,
    registers,
  });
  const tickDurationSeconds = new Histogram({
    name: METRIC_TICK_DURATION_SECONDS,
    help: 'Wall time spent handling one tick, in seconds.',
    labelNames: [LABEL_BOT] as const,
    buckets: [...TICK_DURATION_BUCKETS],
    registers,
  });
  const botState = new Gauge({
    name: METRIC_BOT_STATE,
    help: 'Current bot state: 1 for the current state, 0 for the others.',
    labelNames: [LABEL_BOT, LABEL_STATE] as const,
    registers,
  });
  const regime = new Gauge({
    name: METRIC_REGIME,
    help: 'Current market regime per bot: 1 for the current regime, 0 for the others.',
    labelNames: [LABEL_BOT, LABEL_REGIME] as const,
    registers,
  });
  const equityQuote = new Gauge({
    name: METRIC_EQUITY_QUOTE,
    help: 'Bot equity in quote currency.',
    labelNames: [LABEL_BOT] as const,
    registers,
  });
  const pnlQuote = new Gauge({
    name: METRIC_PNL_QUOTE,
    help: 'Bot PnL in quote currency, by kind (realized|unrealized).',
    labelNames: [LABEL_BOT, LABEL_KIND] as const,
    registers,
  });
  const basePct = new Gauge({
    name: METRIC_BASE_PCT,
    help: 'Share of bot equity held in the base asset, in percent.',
    labelNames: [LABEL_BOT] as const,
    registers,
  });
  const bookAgeSeconds = new Gauge({
    name: METRIC_BOOK_AGE_SECONDS,
    help: 'Age of the latest order book snapshot, in seconds.',
    labelNames: [LABEL_BOT] as const,
    registers,
  });
  // Read at scrape time from each venue account's token bucket (watchRateLimiter).
  const rateLimiters = new Map<string, () => number>();
  const venueRateLimitRemaining = new Gauge({
    name: METRIC_VENUE_RATE_LIMIT_REMAINING,
    help: 'Requests the venue account may still make now (its shared token bucket); 0 while a 429 backoff blocks it.',
    labelNames: [LABEL_ACCOUNT] as const,
    registers,
    collect() {
      for (const [account, read] of rateLimiters) this.set({ [LABEL_ACCOUNT]: account }, read());
    },
  });
  const eventStoreLagEvents = new Gauge({
    name: METRIC_EVENT_STORE_LAG_EVENTS,
    help: 'Events appended but not yet persisted by the event store.',
    registers,
  });

  return {
    registry,
    ticksTotal,
    ordersTotal,
    tickDurationSeconds,
    botState,
    regime,
    equityQuote,
    pnlQuote,
    basePct,
    bookAgeSeconds,
    eventStoreLagEvents,
    venueRateLimitRemaining,
    watchRateLimiter(account, remaining) {
      rateLimiters.set(account, remaining);
    },
    setBotState(bot, state) {
      for (const s of BOT_STATES) botState.set({ [LABEL_BOT]: bot, [LABEL_STATE]: s }, s === state ? 1 : 0);
    },
    setRegime(bot, current) {
      for (const r of REGIMES) regime.set({ [LABEL_BOT]: bot, [LABEL_REGIME]: r }, r === current ? 1 : 0);
    },
    countOrder(bot, action, n = 1) {
      ordersTotal.inc({ [LABEL_BOT]: bot, [LABEL_ACTION]: action }, n);
    },
  };
}
