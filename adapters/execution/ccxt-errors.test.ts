import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WallClock } from '../clock/wall-clock.ts';
import { Decimal } from '../../domain/money/decimal.ts';
import { silentLogger } from '../../otel/logger.ts';
import { bitgetSimClient } from '../../venue-sim/ccxt-client.fixtures.ts';
import { type VenueSim, openVenueSim } from '../../venue-sim/open.ts';
import { BTC_RULES, clientIds } from './ccxt.fixtures.ts';
import { CcxtExecutionAdapter } from './ccxt.ts';
import { type VenueErrorClass, classifyVenueError } from './ccxt-errors.ts';
import { TokenBucket } from './rate-limiter.ts';

type Hierarchy = { readonly [name: string]: Hierarchy };
type ErrorCtor = new (message: string) => Error;

/** ccxt's own error tree; not in its package exports, so it is loaded from its file. */
async function loadHierarchy(): Promise<Hierarchy> {
  const entry = createRequire(import.meta.url).resolve('ccxt'); // <pkg>/dist/ccxt.cjs
  const file = join(dirname(entry), '..', 'js', 'src', 'base', 'errorHierarchy.js');
  const mod = (await import(pathToFileURL(file).href)) as { default: Hierarchy };
  return mod.default;
}

/** [name, parent name] for every class in the tree, depth first. */
function walk(tree: Hierarchy, parent: string | null = null): [string, string | null][] {
  return Object.entries(tree).flatMap(([name, sub]) => [[name, parent] as [string, string | null], ...walk(sub, name)]);
}

const errorClasses = ccxt as unknown as Record<string, ErrorCtor | undefined>;
const ctor = (name: string): ErrorCtor => {
  const c = errorClasses[name];
  if (typeof c !== 'function') throw new Error(`ccxt exports no class ${name}`);
  return c;
};

/** Expected [kind, reason] for every ccxt error class (a new ccxt class fails the test until added). */
const EXPECTED: Record<string, [VenueErrorClass['kind'], string]> = {
  BaseError: ['non_retryable', 'unknown'],
  ExchangeError: ['non_retryable', 'unknown'],
  AuthenticationError: ['fatal', 'authentication'],
  PermissionDenied: ['fatal', 'permission_denied'],
  AccountNotEnabled: ['fatal', 'account_not_enabled'],
  AccountSuspended: ['fatal', 'account_suspended'],
  ArgumentsRequired: ['non_retryable', 'arguments_required'],
  BadRequest: ['non_retryable', 'bad_request'],
  BadSymbol: ['non_retryable', 'bad_symbol'],
  OperationRejected: ['non_retryable', 'operation_rejected'],
  NoChange: ['non_retryable', 'no_change'],
  MarginModeAlreadySet: ['non_retryable', 'no_change'],
  MarketClosed: ['non_retryable', 'market_closed'],
  ManualInteractionNeeded: ['fatal', 'manual_interaction_needed'],
  RestrictedLocation: ['fatal', 'restricted_location'],
  InsufficientFunds: ['non_retryable', 'insufficient_funds'],
  InvalidAddress: ['non_retryable', 'invalid_address'],
  AddressPending: ['non_retryable', 'invalid_address'],
  InvalidOrder: ['non_retryable', 'invalid_order'],
  OrderNotFound: ['non_retryable', 'order_not_found'],
  OrderNotCached: ['non_retryable', 'order_not_cached'],
  OrderImmediatelyFillable: ['non_retryable', 'post_only_would_take'],
  OrderNotFillable: ['non_retryable', 'order_not_fillable'],
  DuplicateOrderId: ['non_retryable', 'duplicate_order'],
  ContractUnavailable: ['non_retryable', 'contract_unavailable'],
  NotSupported: ['non_retryable', 'not_supported'],
  InvalidProxySettings: ['fatal', 'invalid_proxy_settings'],
  ExchangeClosedByUser: ['fatal', 'exchange_closed'],
  OperationFailed: ['retryable', 'operation_failed'],
  NetworkError: ['retryable', 'network'],
  DDoSProtection: ['retryable', 'rate_limited'],
  RateLimitExceeded: ['retryable', 'rate_limited'],
  ExchangeNotAvailable: ['retryable', 'exchange_unavailable'],
  OnMaintenance: ['retryable', 'maintenance'],
  InvalidNonce: ['retryable', 'invalid_nonce'],
  ChecksumError: ['retryable', 'checksum_mismatch'],
  RequestTimeout: ['retryable', 'timeout'],
  BadResponse: ['retryable', 'bad_response'],
  NullResponse: ['retryable', 'bad_response'],
  CancelPending: ['retryable', 'cancel_pending'],
  UnsubscribeError: ['non_retryable', 'unsubscribe_failed'],
};

describe('classifyVenueError: every ccxt error class', async () => {
  const classes = walk(await loadHierarchy());

  it('the hierarchy is the one ccxt exports, and matches the prototype chain', () => {
    expect(classes.length).toBeGreaterThan(40);
    for (const [name, parent] of classes) {
      const c = ctor(name);
      expect(Object.getPrototypeOf(c), `${name}'s parent`).toBe(parent === null ? Error : ctor(parent));
    }
  });

  it('the expected table names exactly the classes of the hierarchy', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(classes.map(([name]) => name).sort());
  });

  it.each(classes.map(([name]) => name))('%s is classified as expected, with its message and no retry hint', (name) => {
    const error = new (ctor(name))(`binance boom from ${name}`);
    const got = classifyVenueError(error);
    const [kind, reason] = EXPECTED[name] ?? ['missing', 'missing'];
    expect(got).toEqual({ kind, reason, message: `binance boom from ${name}`, retryAfterMs: null });
    expect(got.reason).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it('the classes the issue names map to their kinds', () => {
    const kinds: Record<string, string[]> = {
      retryable: ['NetworkError', 'RequestTimeout', 'RateLimitExceeded', 'DDoSProtection', 'ExchangeNotAvailable', 'OnMaintenance', 'InvalidNonce'],
      non_retryable: ['InsufficientFunds', 'InvalidOrder', 'OrderImmediatelyFillable', 'DuplicateOrderId', 'OrderNotFound', 'BadSymbol', 'BadRequest', 'ArgumentsRequired'],
      fatal: ['AuthenticationError', 'PermissionDenied', 'AccountSuspended', 'AccountNotEnabled'],
    };
    for (const [kind, names] of Object.entries(kinds)) {
      for (const name of names) expect(classifyVenueError(new (ctor(name))('x')).kind, name).toBe(kind);
    }
  });
});

describe('classifyVenueError: errors as ccxt raises them', () => {
  const ex = new ccxt.binance();
  const statusError = (status: number, text: string): unknown => {
    try {
      ex.handleHttpStatusCode(status, text, 'https://api.binance.com/api/v3/order', 'POST', '');
    } catch (e) {
      return e;
    }
    throw new Error(`no error for HTTP ${status}`);
  };

  it('HTTP 429 is RateLimitExceeded and 418 DDoSProtection: both rate_limited, no Retry-After carried', () => {
    const e429 = statusError(429, 'Too Many Requests');
    expect(e429).toBeInstanceOf(ccxt.RateLimitExceeded);
    expect(classifyVenueError(e429)).toMatchObject({ kind: 'retryable', reason: 'rate_limited', retryAfterMs: null });
    const e418 = statusError(418, "I'm a teapot");
    expect(e418).toBeInstanceOf(ccxt.DDoSProtection);
    expect(classifyVenueError(e418)).toMatchObject({ kind: 'retryable', reason: 'rate_limited', retryAfterMs: null });
  });

  it('HTTP 401, 503 and 504 map to authentication, exchange_unavailable and timeout', () => {
    expect(classifyVenueError(statusError(401, 'Unauthorized'))).toMatchObject({ kind: 'fatal', reason: 'authentication' });
    expect(classifyVenueError(statusError(503, 'Service Unavailable'))).toMatchObject({ kind: 'retryable', reason: 'exchange_unavailable' });
    expect(classifyVenueError(statusError(504, 'Gateway Timeout'))).toMatchObject({ kind: 'retryable', reason: 'timeout' });
  });
});

describe("classifyVenueError: Bitget's refusal of a post-only order that would take", () => {
  const bitget = new ccxt.bitget();
  /** What ccxt's bitget raises for an HTTP 400 answer with `body` (its handleErrors, as fetch2 calls it). */
  const bitgetError = (body: string): Error => {
    try {
      bitget.handleErrors(400, 'Bad Request', 'https://api.bitget.com/api/v2/spot/trade/place-order', 'POST', {}, body, JSON.parse(body), {}, '{}');
    } catch (e) {
      if (e instanceof Error) return e;
    }
    throw new Error(`ccxt bitget raised nothing for ${body}`);
  };
  const SIM_40706 = '{"code":"40706","msg":"Wrong order price: the post_only order would match immediately and take liquidity","requestTime":1723100000000,"data":null}';

  it("40706 naming the post-only order is InvalidOrder to ccxt, and post_only_would_take here (as Binance's OrderImmediatelyFillable)", () => {
    const e = bitgetError(SIM_40706);
    expect(e).toBeInstanceOf(ccxt.InvalidOrder);
    expect(e).not.toBeInstanceOf(ccxt.OrderImmediatelyFillable);
    expect(classifyVenueError(e)).toEqual({ kind: 'non_retryable', reason: 'post_only_would_take', message: `bitget ${SIM_40706}`, retryAfterMs: null });
    expect(classifyVenueError(e).reason).toBe(classifyVenueError(new ccxt.OrderImmediatelyFillable('binance {"code":-2010}')).reason);
  });

  it('a 40706 about another wrong price stays invalid_order', () => {
    expect(classifyVenueError(bitgetError('{"code":"40706","msg":"Wrong order price","requestTime":1,"data":null}'))).toMatchObject({ kind: 'non_retryable', reason: 'invalid_order' });
  });

  it("the venue code counts only under the class ccxt gives it, and only for that venue", () => {
    expect(classifyVenueError(new ccxt.ExchangeError(`bitget ${SIM_40706}`)).reason).toBe('unknown');
    expect(classifyVenueError(new ccxt.InvalidOrder(`binance ${SIM_40706}`)).reason).toBe('invalid_order');
    expect(classifyVenueError(new ccxt.InvalidOrder('bitget {not json')).reason).toBe('invalid_order');
    expect(classifyVenueError(bitgetError('{"code":"43012","msg":"Insufficient balance","requestTime":1,"data":null}')).reason).toBe('insufficient_funds');
  });

  describe('from the real ccxt bitget client against the simulator', () => {
    let sim: VenueSim;
    const clock = new WallClock();
    beforeAll(async () => {
      const capture = join(resolve(import.meta.dirname, '..', '..'), 'data', 'binance-spot-20240808', 'btcusdt_20240808.gz');
      sim = await openVenueSim({ venue: 'bitget', market: 'spot', port: 0, data: [capture], logger: silentLogger() });
    }, 60_000);
    afterAll(async () => {
      await sim?.close();
    });

    it('createOrder post-only above the ask: post_only_would_take, and the adapter rejects it as post_only_would_cross', async () => {
      const ex = bitgetSimClient(sim.url);
      await ex.loadMarkets();
      const ask = (await ex.fetchOrderBook('BTC/USDT')).asks[0]?.[0] as number;
      const taking = Math.round((ask + 50) * 100) / 100;
      const e: unknown = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, taking, { postOnly: true }).then(() => null, (x: unknown) => x);
      expect(e).toBeInstanceOf(ccxt.InvalidOrder);
      expect(classifyVenueError(e)).toMatchObject({ kind: 'non_retryable', reason: 'post_only_would_take' });
      const a = new CcxtExecutionAdapter({ exchange: ex, rules: BTC_RULES, clock, limiter: new TokenBucket({ capacity: 50, refillPerSec: 50, clock }), pollIntervalMs: 100, retryDelayMs: 20 });
      try {
        const out = await a.place({ clientOrderId: clientIds('bg')(), symbol: 'BTCUSDT', side: 'buy', price: new Decimal(String(taking)), amount: new Decimal('0.001'), postOnly: true });
        expect(out).toMatchObject({ type: 'order.reject', reason: 'post_only_would_cross' });
      } finally {
        await a.close();
      }
    });
  });
});

describe("classifyVenueError: Binance USDⓈ-M's -5022 and Bitget's 40015", () => {
  /** What a ccxt client raises for an HTTP answer with `body` at `url` (its handleErrors, as fetch2 calls it). */
  const raised = (ex: InstanceType<typeof ccxt.Exchange>, status: number, url: string, body: string): Error => {
    try {
      ex.handleErrors(status, 'x', url, 'POST', {}, body, JSON.parse(body), {}, '{}');
    } catch (e) {
      if (e instanceof Error) return e;
    }
    throw new Error(`ccxt ${ex.id} raised nothing for ${body}`);
  };
  const USDM_5022 = '{"code":-5022,"msg":"Due to the order could not be executed as maker, the Post Only order will be rejected."}';

  it('-5022 (a post-only GTX order that would take) is post_only_would_take, whichever of its ccxt tables raised it', () => {
    // On Binance's host ccxt takes its futures table (OrderNotFillable); elsewhere binanceusdm's own (InvalidOrder).
    const onVenue = raised(new ccxt.binanceusdm(), 400, 'https://fapi.binance.com/fapi/v1/order', USDM_5022);
    const offVenue = raised(new ccxt.binanceusdm(), 400, 'http://127.0.0.1:1/fapi/v1/order', USDM_5022);
    expect(onVenue).toBeInstanceOf(ccxt.OrderNotFillable);
    expect(offVenue).toBeInstanceOf(ccxt.InvalidOrder);
    for (const e of [onVenue, offVenue]) expect(classifyVenueError(e)).toMatchObject({ kind: 'non_retryable', reason: 'post_only_would_take' });
  });

  it('another OrderNotFillable (a FOK that cannot fill, -5021) stays order_not_fillable', () => {
    const e = raised(new ccxt.binanceusdm(), 400, 'https://fapi.binance.com/fapi/v1/order', '{"code":-5021,"msg":"Due to the order could not be filled immediately, the FOK order has been rejected."}');
    expect(e).toBeInstanceOf(ccxt.OrderNotFillable);
    expect(classifyVenueError(e)).toMatchObject({ kind: 'non_retryable', reason: 'order_not_fillable' });
  });

  it("Bitget's 40015 (system abnormal, try again later) is a bare ExchangeError to ccxt, and retryable here", () => {
    const e = raised(new ccxt.bitget(), 500, 'https://api.bitget.com/api/v2/spot/trade/cancel-order', '{"code":"40015","msg":"System is abnormal, please try again later","requestTime":1,"data":null}');
    expect(e.constructor).toBe(ccxt.ExchangeError);
    expect(classifyVenueError(e)).toMatchObject({ kind: 'retryable', reason: 'exchange_unavailable' });
    expect(classifyVenueError(new ccxt.ExchangeError('binance {"code":"40015","msg":"x"}')).reason).toBe('unknown');
  });
});

describe('classifyVenueError: non-ccxt inputs are non_retryable unknown', () => {
  const cases: [string, unknown, string][] = [
    ['an Error', new Error('oops'), 'oops'],
    ['a TypeError', new TypeError('x is undefined'), 'x is undefined'],
    ['an Error without message', new RangeError(), 'RangeError'],
    ['a string', 'boom', 'boom'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['a number', 42, '42'],
    ['an object', { code: -1003, msg: 'x' }, '{"code":-1003,"msg":"x"}'],
    ['an error-like object', { name: 'RateLimitExceeded', message: 'too many' }, '{"name":"RateLimitExceeded","message":"too many"}'],
  ];
  it.each(cases)('%s', (_label, input, message) => {
    expect(classifyVenueError(input)).toEqual({ kind: 'non_retryable', reason: 'unknown', message, retryAfterMs: null });
  });

  it('an object that cannot be serialised still gets a message', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(classifyVenueError(cyclic)).toEqual({ kind: 'non_retryable', reason: 'unknown', message: '[object Object]', retryAfterMs: null });
  });
});
