/**
 * The venue simulator's fault injector: holds the installed fault spec (fault-spec.ts) and
 * answers, per request, what to do to it. The server asks before a request is handled (delay
 * it, drop the connection, hold it, answer an error or a 429 instead) and after (lose the
 * answer); the dialect asks whether a cancel races a fill and how to alter a trade list.
 *
 * Given the engine, it also acts on the matching: `delayedFills` answers, per fill, how long the
 * engine withholds it from every report (engine.ts), and `partialFills` sets each market's
 * partial-fill bounds at install (and restores the start-time bounds at the next install without
 * it, or at clear).
 *
 * Every random choice is drawn from a seeded mulberry32 PRNG (domain/paper/prng.ts), restarted
 * at each install, so the same seed and the same requests in the same order ⇒ the same faults.
 * Every injection is counted (per fault and route, or market for the matching faults) and logged
 * at debug level with the route or market.
 */
import { createPrng, nextFloat, nextUint32, type Prng } from '../domain/paper/prng.ts';
import type { Logger } from '../otel/logger.ts';
import { Decimal } from '../domain/money/decimal.ts';
import type { SimFill, SimOrder, VenueEngine } from './engine.ts';
import { EMPTY_FAULT_SPEC, type Fault, type FaultSpec, FaultSpecError, parseFaultSpec } from './fault-spec.ts';

export * from './fault-spec.ts';

/** An answer the injector makes instead of the venue (same shape as the server's SimResponse). */
export interface FaultAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What to do with a request before the venue sees it. */
export type PreAction =
  | { readonly kind: 'handle'; readonly delayMs: number }
  | { readonly kind: 'answer'; readonly delayMs: number; readonly answer: FaultAnswer }
  /** Hold the request unanswered (`ms` null: until the client gives up), then handle it if the client is still there. */
  | { readonly kind: 'hold'; readonly delayMs: number; readonly ms: number | null }
  | { readonly kind: 'destroy'; readonly delayMs: number };

/** What to do with the venue's answer. */
export type PostAction = 'send' | 'destroy' | 'hold';

export interface FaultCounter {
  readonly index: number;
  readonly type: Fault['type'];
  injected: number;
  readonly routes: Record<string, number>;
}

export interface FaultStatus {
  readonly spec: FaultSpec;
  readonly installedAt: number;
  readonly injected: number;
  readonly counters: readonly FaultCounter[];
}

/** How a myTrades answer is altered: trades to drop (by id) and phantom trades to add. */
export interface TradeAlteration {
  readonly omit: (tradeId: number) => boolean;
  readonly phantoms: number;
}

/** Routes a fault of a type applies to when its spec names none (per dialect; these are Binance spot's). */
export type FaultDefaultEndpoints = Partial<Record<Fault['type'], readonly string[]>>;

const DEFAULT_ENDPOINTS: FaultDefaultEndpoints = {
  lostAck: ['POST /api/v3/order', 'DELETE /api/v3/order'],
  fillOnCancelled: ['DELETE /api/v3/order'],
  phantomTrades: ['GET /api/v3/myTrades'],
  missingTrades: ['GET /api/v3/myTrades'],
};

const RATE_LIMIT_MSG = 'Too many requests; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.';

/** Whether `pattern` (fault-spec.ts ROUTE) covers `route` ("METHOD /path"). */
export function routeMatches(pattern: string, route: string): boolean {
  const target = pattern.startsWith('/') ? route.slice(route.indexOf(' ') + 1) : route;
  return pattern.endsWith('*') ? target.startsWith(pattern.slice(0, -1)) : target === pattern;
}

/** Refuses (FaultSpecError naming the field) a matching fault naming a market the venue does not serve. */
export function assertFaultMarkets(spec: FaultSpec, engine: VenueEngine): void {
  const issues: { path: string; message: string }[] = [];
  spec.faults.forEach((f, i) => {
    if (f.type !== 'delayedFills' && f.type !== 'partialFills') return;
    (f.markets ?? []).forEach((id, k) => {
      if (engine.market(id) === undefined) issues.push({ path: `faults[${i}].markets[${k}]`, message: `unknown market ${id} (served: ${engine.marketList().map((m) => m.id).join(', ')})` });
    });
  });
  if (issues.length > 0) throw new FaultSpecError(issues.map((x) => `${x.path}: ${x.message}`).join('; '), issues);
}

/** Whether a matching fault's `markets` (default every market) covers `marketId`. */
function covers(markets: readonly string[] | undefined, marketId: string): boolean {
  return markets === undefined || markets.includes(marketId);
}

interface BurstState {
  started: number;
  left: number;
  until: number;
}

export class FaultInjector {
  private current: FaultSpec = EMPTY_FAULT_SPEC;
  private installedAt: number;
  private rng: Prng = createPrng(1);
  private counters: FaultCounter[] = [];
  private bursts = new Map<number, BurstState>();
  private nextPhantom = 1;

  constructor(
    protected readonly o: {
      readonly now: () => number;
      readonly logger: Logger;
      readonly spec?: FaultSpec;
      readonly defaultEndpoints?: FaultDefaultEndpoints;
      /** The venue's engine, for the matching faults (delayedFills, partialFills); without it they do nothing. */
      readonly engine?: VenueEngine;
    },
  ) {
    this.installedAt = o.now();
    o.engine?.setFillReportDelay((fill) => this.fillDelay(fill));
    this.install(o.spec ?? EMPTY_FAULT_SPEC);
  }

  /** Validates and installs a spec (replacing the current one, counters and PRNG restarted); FaultSpecError leaves everything as it was. */
  install(input: unknown): FaultSpec {
    const spec = parseFaultSpec(input);
    if (this.o.engine !== undefined) assertFaultMarkets(spec, this.o.engine);
    this.current = spec;
    this.installedAt = this.o.now();
    this.rng = createPrng(spec.seed);
    this.counters = spec.faults.map((f, index) => ({ index, type: f.type, injected: 0, routes: {} }));
    this.bursts = new Map();
    this.nextPhantom = 1;
    if (spec.faults.length > 0) this.o.logger.info({ seed: spec.seed, faults: spec.faults.map((f) => f.type) }, 'venue-sim faults installed');
    this.applyPartialFills();
    return spec;
  }

  clear(): void {
    this.install(EMPTY_FAULT_SPEC);
  }

  get spec(): FaultSpec {
    return this.current;
  }

  status(): FaultStatus {
    return { spec: this.current, installedAt: this.installedAt, injected: this.counters.reduce((s, c) => s + c.injected, 0), counters: this.counters.map((c) => ({ ...c, routes: { ...c.routes } })) };
  }

  /** Consulted before the venue handles a request. Latencies add up; the first other fault (in spec order) that fires decides. */
  before(route: string): PreAction {
    let delayMs = 0;
    let decided: PreAction | null = null;
    this.current.faults.forEach((f, i) => {
      if (!this.applies(f, i, route)) return;
      switch (f.type) {
        case 'latency':
          if (this.chance(f.probability)) {
            delayMs += this.latency(f.distribution);
            this.record(i, route);
          }
          return;
        case 'disconnect':
          if (decided === null && this.chance(f.probability)) decided = this.record(i, route, { kind: 'destroy', delayMs: 0 });
          return;
        case 'timeout':
          if (decided === null && this.chance(f.probability)) decided = this.record(i, route, { kind: 'hold', delayMs: 0, ms: f.holdMs ?? null });
          return;
        case 'errorRate':
          if (decided === null && this.chance(f.rate)) {
            decided = this.record(i, route, { kind: 'answer', delayMs: 0, answer: { status: f.status ?? 500, body: { code: f.code ?? -1000, msg: f.msg ?? 'An unknown error occurred while processing the request.' } } });
          }
          return;
        case 'rateLimit429':
          if (decided === null && this.inBurst(f, i)) {
            decided = this.record(i, route, { kind: 'answer', delayMs: 0, answer: { status: 429, body: { code: -1003, msg: RATE_LIMIT_MSG }, headers: { 'retry-after': String(f.retryAfterSec ?? 1) } } });
          }
          return;
        default:
          return; // after-answer and dialect faults
      }
    });
    const d: PreAction = decided ?? { kind: 'handle', delayMs: 0 };
    return { ...d, delayMs };
  }

  /** Consulted once the venue has answered: a lost ack drops (or holds) a successful answer. */
  after(route: string, status: number): PostAction {
    if (status >= 300) return 'send';
    for (const [i, f] of this.current.faults.entries()) {
      if (f.type !== 'lostAck' || !this.applies(f, i, route) || !this.chance(f.probability)) continue;
      this.record(i, route);
      return f.mode ?? 'destroy';
    }
    return 'send';
  }

  /** For a cancel: the fraction of the remaining amount to fill before cancelling, or null. */
  fillOnCancel(route: string): number | null {
    for (const [i, f] of this.current.faults.entries()) {
      if (f.type !== 'fillOnCancelled' || !this.applies(f, i, route) || !this.chance(f.probability)) continue;
      this.record(i, route);
      return f.fraction ?? 0.5;
    }
    return null;
  }

  /** For a trade list: what to omit and how many phantoms to add, or null to leave it as it is. */
  trades(route: string): TradeAlteration | null {
    let phantoms = 0;
    const rates: { seed: number; rate: number }[] = [];
    for (const [i, f] of this.current.faults.entries()) {
      if (f.type === 'phantomTrades' && this.applies(f, i, route) && this.chance(f.probability)) {
        this.record(i, route);
        phantoms += f.perAnswer ?? 1;
      } else if (f.type === 'missingTrades' && this.applies(f, i, route)) {
        this.record(i, route);
        // Which trades are missing depends on the seed and the trade id only: the same ones in every answer.
        rates.push({ seed: nextUint32(createPrng((this.current.seed + i) >>> 0)).value, rate: f.rate });
      }
    }
    if (phantoms === 0 && rates.length === 0) return null;
    return { phantoms, omit: (id) => rates.some((r) => nextFloat(createPrng((r.seed ^ Math.imul(id, 0x9e3779b1)) >>> 0)).value < r.rate) };
  }

  /**
   * For a fill the matching model just made: how long the venue withholds it from its reports
   * (the first `delayedFills` fault that covers the market and fires; 0 when none). Fills in a
   * market under `partialFills` are counted against that fault here too.
   */
  fillDelay(fill: SimFill): number {
    const where = fill.marketId;
    let delay: number | null = null;
    for (const [i, f] of this.current.faults.entries()) {
      if (f.type === 'partialFills' && covers(f.markets, where)) {
        this.record(i, where, undefined, { orderId: fill.orderId, tradeId: fill.tradeId, liquidity: fill.liquidity });
      } else if (f.type === 'delayedFills' && delay === null && covers(f.markets, where) && this.inWindow(f, i) && this.chance(f.probability)) {
        const d = f.delayMs;
        delay = typeof d === 'number' ? d : d.min + (d.max - d.min) * this.draw();
        this.record(i, where, undefined, { orderId: fill.orderId, tradeId: fill.tradeId, delayMs: Math.round(delay) });
      }
    }
    return delay ?? 0;
  }

  /** A fresh id for a phantom trade (1, 2, …; the dialect offsets it past any real id). */
  phantomId(): number {
    return this.nextPhantom++;
  }

  // ── helpers ────────────────────────────────────────────────────────────────────────────────

  private applies(f: Fault, i: number, route: string): boolean {
    if (f.type === 'delayedFills' || f.type === 'partialFills') return false; // matching faults: fillDelay, applyPartialFills
    const endpoints = f.endpoints ?? (this.o.defaultEndpoints ?? DEFAULT_ENDPOINTS)[f.type];
    if (endpoints !== undefined && !endpoints.some((p) => routeMatches(p, route))) return false;
    return this.inWindow(f, i);
  }

  /** Within the fault's window and under its count. */
  private inWindow(f: { readonly fromMs?: number | undefined; readonly untilMs?: number | undefined; readonly count?: number | undefined }, i: number): boolean {
    const t = this.o.now() - this.installedAt;
    if (f.fromMs !== undefined && t < f.fromMs) return false;
    if (f.untilMs !== undefined && t >= f.untilMs) return false;
    const c = this.counters[i];
    return c !== undefined && (f.count === undefined || c.injected < f.count);
  }

  private draw(): number {
    const d = nextFloat(this.rng);
    this.rng = d.rng;
    return d.value;
  }

  /** True with probability p (default 1); draws only when the outcome is uncertain. */
  private chance(p: number | undefined): boolean {
    if (p === undefined || p >= 1) return true;
    if (p <= 0) return false;
    return this.draw() < p;
  }

  private latency(d: Extract<Fault, { type: 'latency' }>['distribution']): number {
    switch (d.kind) {
      case 'fixed':
        return d.ms;
      case 'uniform':
        return d.minMs + (d.maxMs - d.minMs) * this.draw();
      case 'normal': {
        // Box–Muller from two uniforms; clamped at 0.
        const u = 1 - this.draw();
        const v = this.draw();
        return Math.max(0, d.meanMs + d.sdMs * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
      }
    }
  }

  private inBurst(f: Extract<Fault, { type: 'rateLimit429' }>, i: number): boolean {
    const s = this.bursts.get(i) ?? { started: 0, left: 0, until: 0 };
    this.bursts.set(i, s);
    const now = this.o.now();
    if (f.requests !== undefined && s.left > 0) {
      s.left -= 1;
      return true;
    }
    if (f.durationMs !== undefined && now < s.until) return true;
    if (s.started >= (f.bursts ?? 1) || !this.chance(f.probability)) return false;
    s.started += 1;
    s.left = (f.requests ?? 0) - 1;
    s.until = now + (f.durationMs ?? 0);
    return true;
  }

  /** Counts an injection (per route, or per market for the matching faults) and logs it at debug. */
  private record<T>(i: number, route: string, out?: T, detail?: Readonly<Record<string, unknown>>): T {
    const c = this.counters[i];
    if (c !== undefined) {
      c.injected += 1;
      c.routes[route] = (c.routes[route] ?? 0) + 1;
      const where = c.type === 'delayedFills' || c.type === 'partialFills' ? { market: route } : { route };
      this.o.logger.debug({ fault: c.type, index: i, ...where, injected: c.injected, ...detail }, 'venue-sim fault injected');
    }
    return out as T;
  }

  /**
   * Sets every market's partial-fill bounds: the first `partialFills` fault covering it
   * (minFraction defaulting to the start-time lower bound, capped at maxFraction), else the
   * bounds the market's model was built with.
   */
  private applyPartialFills(): void {
    const engine = this.o.engine;
    if (engine === undefined) return;
    for (const m of engine.marketList()) {
      engine.setPartialFillBounds(m.id, null);
      const i = this.current.faults.findIndex((f) => f.type === 'partialFills' && covers(f.markets, m.id));
      const f = this.current.faults[i];
      if (f?.type !== 'partialFills') continue;
      const max = new Decimal(String(f.maxFraction));
      const min = f.minFraction !== undefined ? new Decimal(String(f.minFraction)) : Decimal.min(m.adapter.partialFillBounds().min, max);
      engine.setPartialFillBounds(m.id, { min, max });
      this.o.logger.debug({ fault: f.type, index: i, market: m.id, minFraction: min.toNumber(), maxFraction: max.toNumber() }, 'venue-sim partial-fill bounds set');
    }
  }
}

/**
 * A cancel as every dialect performs it: when a `fillOnCancelled` fault fires for the route and the
 * order is still open, part of it fills first (at the maker fee rate), then it is cancelled.
 */
export async function cancelUnderFaults(
  engine: VenueEngine,
  faults: FaultInjector | undefined,
  req: { readonly marketId: string; readonly ref: { readonly orderId?: number; readonly clientOrderId?: string }; readonly route: string; readonly makerFeeRate: Decimal },
): Promise<SimOrder | null> {
  const open = engine.find(req.marketId, req.ref);
  const fraction = open !== null && (open.status === 'NEW' || open.status === 'PARTIALLY_FILLED') ? (faults?.fillOnCancel(req.route) ?? null) : null;
  return engine.cancel(req.marketId, req.ref, fraction === null ? {} : { fillFirst: { fraction, feeRate: req.makerFeeRate } });
}

