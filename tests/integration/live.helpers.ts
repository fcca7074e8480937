/**
 * Helpers of the live-desk integration tests: a one-bot live desk config with a quickly warming
 * strategy, reading a JSONL event store, waiting on a condition, temp var dirs.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../config/load.ts';
import type { DeskConfig } from '../../config/schema/desk.ts';

/** Binance's BTCUSDT spot grid, a bot's `instrument`. */
export const BINANCE_BTCUSDT_SPOT = '{ venue: binance, market: spot, symbol: BTCUSDT, base: BTC, quote: USDT, tick_size: "0.01", lot_step: "0.00001", min_amount: "0.00001", min_notional: "5" }';

/** A bot entry's fields, each a YAML flow mapping. */
export interface LiveBotYaml {
  readonly id: string;
  readonly instrument: string;
  readonly execution: string;
  readonly strategy: string;
  readonly paper: string;
}

/**
 * A live desk with one bot (the book polled every 250 ms, 1-s ticks, a snapshot every
 * `snapshotIntervalS`), parsed as the config file `file`; throws naming the violations.
 */
export function liveDeskConfig(file: string, snapshotIntervalS: number, bot: LiveBotYaml): DeskConfig {
  const text = `
market_data: { source: live, book_poll_ms: 250 }
runtime: { tick_interval_ms: 1000, snapshot_interval_s: ${snapshotIntervalS} }
bots:
  - id: ${bot.id}
    instrument: ${bot.instrument}
    execution: ${bot.execution}
    strategy: ${bot.strategy}
    paper: ${bot.paper}
`;
  const r = parseConfigText(text, file, 'yaml');
  if (!r.ok) throw new Error(`config: ${JSON.stringify(r.violations)}`);
  return r.config;
}

/**
 * A `paper_only` strategy (a YAML flow mapping) warming up in seconds wherever the simulator's
 * replay happens to be: 1-s bars, a 2-bar EMA and a 1-bar ATR, maker fee 0 and taker fee 0.0004.
 * `cheapQuotes` adds tight, cheap quotes so the bot fills within seconds: no slippage or drift
 * estimate, a negative edge floor, every regime quoting 1–2 bps wide around `targetBasePct`.
 */
export function quickStrategy(o: {
  readonly totalAmountQuote: string;
  readonly priceToleranceTicks: number;
  readonly leverage?: string;
  readonly cheapQuotes?: { readonly targetBasePct: string };
}): string {
  const fields = [
    'variant: paper_only',
    `total_amount_quote: "${o.totalAmountQuote}"`,
    ...(o.leverage !== undefined ? [`leverage: "${o.leverage}"`] : []),
    'bar_interval_s: 1, drift_window_s: 1, ema_period: 2, atr_period: 1',
    'maker_fee_pct: "0", taker_fee_pct: "0.0004"',
    `price_tolerance_ticks: ${o.priceToleranceTicks}`,
  ];
  if (o.cheapQuotes !== undefined) {
    const regime = `{ target_base_pct: "${o.cheapQuotes.targetBasePct}", spread_min: "0.0001", spread_max: "0.0002" }`;
    fields.push('slippage_est_pct: "0", adverse_drift_est_pct: "0", min_net_edge_bps: "-1", edge_resume_bps: "-1"');
    fields.push(`regimes: { neutral_low_vol: ${regime}, up: ${regime}, down: ${regime}, high_vol_shock: ${regime} }`);
  }
  return `{ ${fields.join(', ')} }`;
}

export interface Envelope {
  readonly type: string;
  readonly botId?: string;
  readonly payload: Record<string, unknown>;
}

/** Every event of the `*.jsonl` files in `dir`, in file (day) order; none when the dir does not exist yet. */
export async function readEventsDir(dir: string): Promise<Envelope[]> {
  const out: Envelope[] = [];
  for (const f of (await readdir(dir).catch(() => [] as string[])).filter((x) => x.endsWith('.jsonl')).sort()) {
    for (const line of (await readFile(join(dir, f), 'utf8')).split('\n')) if (line !== '') out.push(JSON.parse(line) as Envelope);
  }
  return out;
}

/** The events a desk wrote under `<varDir>/events`. */
export function events(varDir: string): Promise<Envelope[]> {
  return readEventsDir(join(varDir, 'events'));
}

/** Polls `cond` every 100 ms; true once it holds, false after `timeoutMs`. */
export async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** A temp dir named `<prefix>…`, removed by the cleanup it registers. */
export async function tempVarDir(prefix: string, cleanups: (() => Promise<void>)[]): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(d, { recursive: true, force: true }));
  return d;
}
