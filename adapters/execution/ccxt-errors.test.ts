import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { type VenueErrorClass, classifyVenueError } from './ccxt-errors.ts';

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
