/**
 * An order's round trip through desk's ccxt execution adapter against the venue simulator, and
 * how much of it is desk's.
 *
 * The simulator runs in a child process, so its CPU is not this process's: first this file itself
 * in child mode (`openVenueSim` on the BTCUSDT capture, USDT=100000,BTC=1, the paper model's
 * acknowledgement latency set to 0: the venue answers as fast as it can, the worst case for desk's
 * share); then `node bin/desk.js venue-sim --venue binance --port 0 --data …btcusdt… --balances
 * USDT=100000,BTC=1` as shipped (its model acknowledges a place after 150 ms), fewer trials. The
 * URL is read from the ready line on the child's stderr. This process holds two ccxt `binance`
 * clients pointed at it, built as the desk builds its own (enableRateLimit off: the desk's token
 * bucket paces the account): one under a `CcxtExecutionAdapter` (WallClock, a token bucket far
 * above the request rate, no poll loop), one used raw. After a warm-up, each trial does, on both
 * paths in an order that alternates between trials: place (post-only buy, 0.0002 BTC, 5% under the
 * bid: it rests) → ack, then cancel → ack, each timed with performance.now(): `adapter.place()` /
 * `adapter.cancel()` against `exchange.createOrder()` / `exchange.cancelOrder()`.
 *
 * How a round trip is split (per call, no subtraction across samples): both clients are
 * instrumented on the instance —
 *  - *HTTP*: time inside ccxt's `undiciRequest` (request sent → status and headers back) plus
 *    `undiciBody` (the body read): the loopback round trip and the simulator's work ("venue");
 *  - *ccxt call*: time inside the client's `createOrder` / `cancelOrder` as the adapter calls it.
 * Then for each adapter call: desk = adapter round trip − ccxt call (the token bucket, the order
 * map, client-id params, Decimal→number, the ack/cancel update, promise hops);
 * ccxt = ccxt call − HTTP (argument handling, signing, headers, JSON parse, parseOrder);
 * venue = HTTP. Desk's share = desk / adapter round trip, per trial (p50, p99) and over all trials
 * (Σ desk / Σ round trip); the target is ≤ 10%. ccxt's own overhead is reported on the raw
 * client (raw call − HTTP), as neither desk's nor the venue's. The raw calls are also the floor
 * of the adapter's figures (ratio of p50s).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Exchange } from 'ccxt';
import { WallClock } from '../adapters/clock/wall-clock.ts';
import { CcxtExecutionAdapter } from '../adapters/execution/ccxt.ts';
import { TokenBucket } from '../adapters/execution/rate-limiter.ts';
import { clientOrderId } from '../domain/ids.ts';
import { Decimal } from '../domain/money/decimal.ts';
import { silentLogger } from '../otel/logger.ts';
import { simClient } from '../venue-sim/ccxt-client.fixtures.ts';
import { openVenueSim } from '../venue-sim/open.ts';
import { startChild, stats, stopChild } from './nats-cluster.ts';
import type { BenchFigure } from './types.ts';

const TRIALS = Number(process.env['BENCH_CCXT_TRIALS'] ?? 400);
const WARMUP = 50;
/** Trials against `desk venue-sim` itself (150 ms per place: ~0.3 s a trial). */
const CLI_TRIALS = Number(process.env['BENCH_CCXT_CLI_TRIALS'] ?? 60);
const SYMBOL = 'BTC/USDT';
const AMOUNT = 0.0002;
const RULES = { symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: new Decimal('0.01'), lotStep: new Decimal('0.00001'), minAmount: new Decimal('0.00001'), minNotional: new Decimal('5') };
const READY = 'desk venue-sim: serving binance spot on ';

/** Time accumulated inside a client's HTTP layer and inside its order calls. */
interface Meter {
  http: number;
  call: number;
}

type AsyncFn = (...args: unknown[]) => Promise<unknown>;

/** Wraps `name` on the instance so that the time spent inside it is added to `add`. */
function timeMethod(ex: Exchange, name: string, add: (ms: number) => void): void {
  const obj = ex as unknown as Record<string, unknown>;
  const orig = obj[name];
  if (typeof orig !== 'function') throw new Error(`bench: ccxt ${name} not found (ccxt internals changed?)`);
  const fn = (orig as AsyncFn).bind(ex);
  obj[name] = async (...args: unknown[]): Promise<unknown> => {
    const t = performance.now();
    try {
      return await fn(...args);
    } finally {
      add(performance.now() - t);
    }
  };
}

function instrument(ex: Exchange): Meter {
  const m: Meter = { http: 0, call: 0 };
  // ccxt 4.5 on Node sends every request with undici.request (undiciRequest) and reads the body in undiciBody.
  if ((ex as unknown as { undiciModule?: unknown }).undiciModule === undefined) throw new Error('bench: ccxt is not using undici.request; the HTTP timing hooks would miss the requests');
  timeMethod(ex, 'undiciRequest', (ms) => (m.http += ms));
  timeMethod(ex, 'undiciBody', (ms) => (m.http += ms));
  timeMethod(ex, 'createOrder', (ms) => (m.call += ms));
  timeMethod(ex, 'cancelOrder', (ms) => (m.call += ms));
  return m;
}

interface Split {
  total: number[];
  call: number[];
  http: number[];
}
const split = (): Split => ({ total: [], call: [], http: [] });

interface Result {
  readonly aPlace: Split;
  readonly aCancel: Split;
  readonly rPlace: Split;
  readonly rCancel: Split;
  readonly rejects: number;
}

/** Warm-up, then `trials` trials of place → ack, cancel → ack through the adapter and raw ccxt. */
async function measure(url: string, trials: number, warmup: number): Promise<Result> {
  const res: Result & { rejects: number } = { aPlace: split(), aCancel: split(), rPlace: split(), rCancel: split(), rejects: 0 };
  const { aPlace, aCancel, rPlace, rCancel } = res;
  const desk = simClient(url);
  const raw = simClient(url);
  await desk.loadMarkets();
  await raw.loadMarkets();
  const dm = instrument(desk);
  const rm = instrument(raw);
  const clock = new WallClock();
  const limiter = new TokenBucket({ capacity: 100_000, refillPerSec: 100_000, clock });
  const adapter = new CcxtExecutionAdapter({ exchange: desk, rules: RULES, clock, limiter });
  const ob = await raw.fetchOrderBook(SYMBOL);
  const bid = ob.bids[0]?.[0];
  if (bid === undefined) throw new Error('bench: the simulator has no bid');
  const price = Math.round(bid * 0.95 * 100) / 100;
  const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;

  const viaAdapter = async (i: number, keep: boolean): Promise<void> => {
    const id = clientOrderId(`bA${run}-${i}`);
    dm.http = 0;
    dm.call = 0;
    let t = performance.now();
    const ack = await adapter.place({ clientOrderId: id, symbol: RULES.symbol, side: 'buy', price: new Decimal(String(price)), amount: new Decimal(String(AMOUNT)), postOnly: true });
    const placeMs = performance.now() - t;
    if (ack.type !== 'order.ack') {
      res.rejects += 1;
      return;
    }
    const p = { call: dm.call, http: dm.http };
    dm.http = 0;
    dm.call = 0;
    t = performance.now();
    const c = await adapter.cancel(id);
    const cancelMs = performance.now() - t;
    if (c.type !== 'order.cancelled') throw new Error(`bench: adapter cancel of ${id}: ${JSON.stringify(c)}`);
    if (!keep) return;
    aPlace.total.push(placeMs);
    aPlace.call.push(p.call);
    aPlace.http.push(p.http);
    aCancel.total.push(cancelMs);
    aCancel.call.push(dm.call);
    aCancel.http.push(dm.http);
  };
  const viaRaw = async (i: number, keep: boolean): Promise<void> => {
    rm.http = 0;
    rm.call = 0;
    let t = performance.now();
    const o = await raw.createOrder(SYMBOL, 'limit', 'buy', AMOUNT, price, { clientOrderId: `bR${run}-${i}`, postOnly: true });
    const placeMs = performance.now() - t;
    const p = { call: rm.call, http: rm.http };
    rm.http = 0;
    rm.call = 0;
    t = performance.now();
    await raw.cancelOrder(String(o.id), SYMBOL);
    const cancelMs = performance.now() - t;
    if (!keep) return;
    rPlace.total.push(placeMs);
    rPlace.call.push(p.call);
    rPlace.http.push(p.http);
    rCancel.total.push(cancelMs);
    rCancel.call.push(rm.call);
    rCancel.http.push(rm.http);
  };
  for (let i = 0; i < warmup + trials; i++) {
    const keep = i >= warmup;
    if (i % 2 === 0) {
      await viaAdapter(i, keep);
      await viaRaw(i, keep);
    } else {
      await viaRaw(i, keep);
      await viaAdapter(i, keep);
    }
  }
  await adapter.close();
  limiter.close();
  const left = await raw.fetchOpenOrders(SYMBOL);
  if (left.length > 0) throw new Error(`bench: ${left.length} order(s) left open at the simulator`);
  if (aPlace.total.length < trials * 0.95) throw new Error(`bench: only ${aPlace.total.length} of ${trials} adapter trials completed (${res.rejects} rejected)`);
  return res;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const pct = (x: number): number => Math.round(x * 1000) / 10;
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** Figures named `ccxt.<op>.<what><suffix>` and the printed lines of one measurement. */
function report(r: Result, suffix: string): { figures: BenchFigure[]; lines: string[] } {
  const figures: BenchFigure[] = [];
  const lines: string[] = [];
  for (const [op, a, raw] of [['place', r.aPlace, r.rPlace], ['cancel', r.aCancel, r.rCancel]] as const) {
    const desk = a.total.map((t, i) => t - (a.call[i] as number));
    const share = desk.map((d, i) => d / (a.total[i] as number));
    const ccxtAdapter = a.call.map((c, i) => c - (a.http[i] as number));
    const ccxtRaw = raw.total.map((t, i) => t - (raw.http[i] as number));
    const st = stats(a.total);
    const sr = stats(raw.total);
    const sd = stats(desk);
    const ss = stats(share);
    const sh = stats(a.http);
    const sc = stats(ccxtRaw);
    const aggShare = sum(desk) / sum(a.total);
    const floorShare = (st.p50 - sr.p50) / st.p50;
    const ccxtShare = sum(ccxtRaw) / sum(raw.total);
    lines.push(
      `  ${op}→ack via adapter p50 ${st.p50.toFixed(3)} p99 ${st.p99.toFixed(3)} ms; raw ccxt p50 ${sr.p50.toFixed(3)} p99 ${sr.p99.toFixed(3)} ms; HTTP (adapter's calls) p50 ${sh.p50.toFixed(3)} p99 ${sh.p99.toFixed(3)} ms`,
      `    desk ${sd.p50.toFixed(3)} / ${sd.p99.toFixed(3)} ms (share p50 ${pct(ss.p50)}% p99 ${pct(ss.p99)}%, overall ${pct(aggShare)}%; adapter p50 over the raw p50 ${pct(floorShare)}%)`,
      `    ccxt (raw call − HTTP) ${sc.p50.toFixed(3)} / ${sc.p99.toFixed(3)} ms = ${pct(ccxtShare)}% of a raw call; ccxt inside the adapter's calls p50 ${stats(ccxtAdapter).p50.toFixed(3)} ms`,
    );
    figures.push(
      { name: `ccxt.${op}.adapter${suffix}`, value: r3(st.p99), unit: 'ms', p50: r3(st.p50), p99: r3(st.p99), floor: r3(sr.p50), ratio: r3(st.p50 / sr.p50) },
      { name: `ccxt.${op}.raw${suffix}`, value: r3(sr.p99), unit: 'ms', p50: r3(sr.p50), p99: r3(sr.p99) },
      { name: `ccxt.${op}.http${suffix}`, value: r3(sh.p99), unit: 'ms', p50: r3(sh.p50), p99: r3(sh.p99) },
      { name: `ccxt.${op}.desk_ms${suffix}`, value: r3(sd.p99), unit: 'ms', p50: r3(sd.p50), p99: r3(sd.p99) },
      { name: `ccxt.${op}.desk_share${suffix}`, value: pct(aggShare), unit: '% of the adapter round trip (Σ desk / Σ round trip)', p50: pct(ss.p50), p99: pct(ss.p99), target: '≤ 10' },
      { name: `ccxt.${op}.ccxt_overhead${suffix}`, value: r3(sc.p50), unit: 'ms (raw ccxt call − HTTP)', p50: r3(sc.p50), p99: r3(sc.p99) },
      { name: `ccxt.${op}.ccxt_share${suffix}`, value: pct(ccxtShare), unit: '% of a raw ccxt call' },
    );
  }
  return { figures, lines };
}

const SIM_ARGS = ['--data', 'data/binance-spot-20240808/btcusdt_20240808.gz', '--balances', 'USDT=100000,BTC=1'];

/** Runs `measure` against a simulator child started with `args`; always stops the child. */
async function againstChild(name: string, args: readonly string[], trials: number, warmup: number): Promise<Result> {
  const sim = await startChild(name, args, READY);
  try {
    const url = /serving binance spot on (http:\/\/\S+)/.exec(sim.stderr())?.[1];
    if (url === undefined) throw new Error(`bench: no URL in the simulator's ready line: ${sim.stderr()}`);
    return await measure(url, trials, warmup);
  } finally {
    await stopChild(sim);
  }
}

export async function benchCcxtRoundTrip(): Promise<BenchFigure[]> {
  // 1. The simulator answering as fast as it can (no modelled latency): the worst case for desk's share.
  const fast = await againstChild('venue-sim (latency 0)', ['--import', 'tsx', fileURLToPath(import.meta.url)], TRIALS, WARMUP);
  // 2. `desk venue-sim` as shipped: the paper model's 150 ms acknowledgement latency on a place.
  const cli = await againstChild('desk venue-sim', ['bin/desk.js', 'venue-sim', '--venue', 'binance', '--port', '0', ...SIM_ARGS, '--log-level', 'warn'], CLI_TRIALS, 10);
  const a = report(fast, '');
  const b = report(cli, '.sim150');
  console.log(`ccxt order round trip, simulator in a child process with no modelled latency (${fast.aPlace.total.length} trials after ${WARMUP} warm-up; ${fast.rejects} rejected):`);
  for (const l of a.lines) console.log(l);
  console.log(`… against \`desk venue-sim\` as shipped (150 ms modelled place latency; ${cli.aPlace.total.length} trials after 10 warm-up; ${cli.rejects} rejected):`);
  for (const l of b.lines) console.log(l);
  return [...a.figures, ...b.figures];
}

/** Child mode: the simulator with the paper model's latency at 0, the CLI's ready line on stderr, until SIGTERM. */
async function serveFastSim(): Promise<void> {
  const sim = await openVenueSim({
    venue: 'binance', market: 'spot', port: 0, data: ['data/binance-spot-20240808/btcusdt_20240808.gz'], balances: { USDT: '100000', BTC: '1' },
    paper: { latencyMs: 0 }, logger: silentLogger(),
  });
  process.stderr.write(`${READY}${sim.url} (latency 0)\n`);
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await sim.close();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await serveFastSim();
