/**
 * A bot's `execution` section: where its orders go. `paper` (default) is the paper fill model
 * in-process; `ccxt` is the bot's venue through ccxt (a real exchange, or the venue simulator
 * when `url` points at it). Credentials never appear here: the section names the environment
 * variables that hold them.
 */
import type { z } from 'zod';
import { enumField, intField, stringField, strictObject } from './fields.ts';

export const EXECUTION_KINDS = ['paper', 'ccxt'] as const;
export type ExecutionKind = (typeof EXECUTION_KINDS)[number];

/** What the live desk does at startup with the bot's own open orders it does not know (orphans). */
export const ORPHAN_POLICIES = ['cancel', 'adopt'] as const;
export type OrphanPolicy = (typeof ORPHAN_POLICIES)[number];

/**
 * Where a live bot's fee rates come from at startup: `auto` the venue, else the desk's
 * `venue_fees`, else the strategy's rates; `project` skips the venue; `manual` is the strategy's
 * rates only.
 */
export const FEE_SOURCES = ['auto', 'project', 'manual'] as const;
export type FeeSource = (typeof FEE_SOURCES)[number];

const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,63}$/;

export const executionSchema = strictObject(
  {
    kind: enumField(EXECUTION_KINDS, { def: 'paper', src: 'desk', doc: '`paper`: the paper fill model in-process; `ccxt`: the venue through ccxt (needs `market_data.source: live`).' }),
    url: stringField(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?\/?$/, 'an http(s) base URL such as "http://127.0.0.1:18080"', {
      src: 'optional',
      doc: "Base URL replacing the venue's API host (e.g. the venue simulator, `desk venue-sim`); absent = the venue itself.",
    }),
    api_key_env: stringField(ENV_NAME, 'an environment variable name', { def: 'DESK_VENUE_API_KEY', src: 'desk', doc: 'Environment variable holding the API key.' }),
    api_secret_env: stringField(ENV_NAME, 'an environment variable name', { def: 'DESK_VENUE_API_SECRET', src: 'desk', doc: 'Environment variable holding the API secret.' }),
    api_passphrase_env: stringField(ENV_NAME, 'an environment variable name', { def: 'DESK_VENUE_API_PASSPHRASE', src: 'desk', doc: 'Environment variable holding the API passphrase (Bitget).' }),
    poll_interval_ms: intField('[50,60000]', { def: 500, src: 'desk', doc: 'How often the adapter polls the venue for fills and cancellations.' }),
    rate_limit_per_s: intField('[1,1000]', { def: 10, src: 'desk', doc: 'Requests per second the account may make (a token bucket shared by every bot on the same account in a process).' }),
    orphan_policy: enumField(ORPHAN_POLICIES, {
      def: 'cancel',
      src: 'desk',
      doc: "ccxt only. At startup, the venue's open orders on the bot's symbol whose client id carries the bot's prefix (`<bot id>-`) are orphans of an earlier run: `cancel` cancels them before the bot quotes; `adopt` keeps them open, tracked by the adapter and cancelled at the bot's first cancel-all or at stop (their fills are not booked in the bot's ledger: reconciliation reports them). Orders with another prefix are never touched, only reported.",
    }),
    fee_source: enumField(FEE_SOURCES, {
      def: 'auto',
      src: 'desk',
      doc: "ccxt only. Where the bot's fee rates come from at startup: `auto` asks the venue (`fetchTradingFee`), else the desk file's `venue_fees.<venue>.<market>` (project), else the strategy's `maker_fee_pct` / `taker_fee_pct` (manual); `project` skips the venue (project, else manual); `manual` takes the strategy's rates only (e.g. a VIP tier the venue's endpoint does not report). The source is audited (`venue.fees`); the edge model uses the strategy's rates whatever the source, and a resolved rate that differs from them is a warning.",
    }),
    funding_poll_s: intField('[1,3600]', { def: 60, src: 'desk', doc: "ccxt perps only. Seconds between two reads of the venue's funding rate (priced by the edge model) and of the account's funding payments (booked in the bot's ledger by the venue's id)." }),
    recon_interval_s: intField('[0,86400]', { def: 60, src: 'desk', doc: "ccxt only. Seconds between two scheduled reconciliations of the bot against the venue (open orders, fills by trade id, balance changes since start); a critical finding soft-pauses the bot (reason `reconciliation`). 0 = off." }),
    parity_interval_s: intField('[0,86400]', {
      def: 3600,
      src: 'desk',
      doc: "ccxt only. Shadow execution: the bot's `paper` model runs beside it on the venue's books and public trades, every order mirrored into it (events in `<var>/shadow/events`); every this many seconds, and at stop, the live desk compares live and shadow (fill ratio, slippage, reject rate, realized PnL per window of this length, against the versioned parity thresholds) and writes `<var>/reports/parity/<UTC day>/parity.json` and `latest.json`. A FAIL is a logged warning: it never pauses the bot (parity is evidence for the promotion gates). 0 = no shadow and no parity.",
    }),
  },
  'an execution section',
);

export type ExecutionFile = z.output<typeof executionSchema>;

/** A bot's execution in domain form. */
export interface ExecutionConfig {
  readonly kind: ExecutionKind;
  readonly url: string | null;
  readonly apiKeyEnv: string;
  readonly apiSecretEnv: string;
  readonly apiPassphraseEnv: string;
  readonly pollIntervalMs: number;
  readonly rateLimitPerS: number;
  readonly orphanPolicy: OrphanPolicy;
  /** Where the bot's fee rates come from at startup (ccxt only). */
  readonly feeSource: FeeSource;
  /** Perps: seconds between funding reads. */
  readonly fundingPollS: number;
  /** Seconds between scheduled reconciliations; 0 = off. */
  readonly reconIntervalS: number;
  /** Seconds between two parity reports of the bot's shadow execution (also the window length); 0 = no shadow. */
  readonly parityIntervalS: number;
}

export function toExecutionConfig(e: ExecutionFile): ExecutionConfig {
  return { kind: e.kind, url: e.url ?? null, apiKeyEnv: e.api_key_env, apiSecretEnv: e.api_secret_env, apiPassphraseEnv: e.api_passphrase_env, pollIntervalMs: e.poll_interval_ms, rateLimitPerS: e.rate_limit_per_s, orphanPolicy: e.orphan_policy, fundingPollS: e.funding_poll_s, feeSource: e.fee_source, reconIntervalS: e.recon_interval_s, parityIntervalS: e.parity_interval_s };
}
