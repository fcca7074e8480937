/**
 * Sorts what a ccxt call threw into what the caller should do about it: retry (the request may
 * succeed later: network, timeout, rate limit, venue down, clock skew), give up on this request
 * (the venue refused it on its merits: funds, order rules, symbol), or stop trading on the
 * account (credentials, permissions, suspension). Classification is by `instanceof` against
 * ccxt's exported classes, never by message text, so a venue rewording its errors changes nothing.
 *
 * ccxt 4.5's hierarchy (base/errorHierarchy.js) has two roots under BaseError: ExchangeError
 * (the venue answered and said no) and OperationFailed (the request did not complete; its
 * subclasses are NetworkError, BadResponse and CancelPending). Rate limits are two separate
 * NetworkError branches: RateLimitExceeded (HTTP 429 in ccxt's default `httpExceptions`, and the
 * venues' own "too many requests" codes) and DDoSProtection (HTTP 418, Cloudflare-style blocks).
 * Note that ChecksumError (a websocket order book checksum mismatch) sits under InvalidNonce.
 *
 * Retry-After: ccxt does not carry response headers on its errors. The message is
 * `<id> <method> <url> <status> <statusText> <body>`; the headers are only on the exchange
 * instance (`last_response_headers`, when enabled), which this function never sees. So
 * `retryAfterMs` is always null today; the field exists so a caller holding a hint can use it.
 *
 * One exception to "never by message text": a venue code ccxt has no specific class for, yet desk
 * must tell apart (`VENUE_CODES`, below). ccxt builds such an error's message from the venue's
 * answer (`<exchange id> <response body>`), so the venue's own code is read back from it, and
 * only under the class ccxt gave it.
 *
 * An error from a second copy of ccxt (another version in node_modules) fails every `instanceof`
 * and is classified as unknown: desk depends on exactly one ccxt.
 */
import ccxt from 'ccxt';

export type VenueErrorKind = 'retryable' | 'non_retryable' | 'fatal';

export interface VenueErrorClass {
  readonly kind: VenueErrorKind;
  /** Short snake_case cause, e.g. 'rate_limited', 'insufficient_funds', 'authentication', 'unknown'. */
  readonly reason: string;
  readonly message: string;
  /** How long the venue asked us to wait, when it said; ccxt does not expose it (see above). */
  readonly retryAfterMs: number | null;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Checked in order, so every class comes before its ancestors (the most specific match wins).
 * Classes not listed fall to their nearest listed ancestor.
 */
const RULES: readonly (readonly [ErrorClass, VenueErrorKind, string])[] = [
  // --- OperationFailed: the request did not complete -------------------------------------
  [ccxt.RateLimitExceeded, 'retryable', 'rate_limited'],
  [ccxt.DDoSProtection, 'retryable', 'rate_limited'],
  [ccxt.RequestTimeout, 'retryable', 'timeout'],
  [ccxt.OnMaintenance, 'retryable', 'maintenance'],
  [ccxt.ExchangeNotAvailable, 'retryable', 'exchange_unavailable'],
  // A websocket book checksum mismatch: resubscribe and go on.
  [ccxt.ChecksumError, 'retryable', 'checksum_mismatch'],
  // Clock skew or a stale nonce: retry after resyncing the time / nonce.
  [ccxt.InvalidNonce, 'retryable', 'invalid_nonce'],
  [ccxt.NetworkError, 'retryable', 'network'],
  // An unparseable or empty answer: the venue's glitch, not ours. (As with a timeout, an order
  // request may have been placed anyway; idempotent client order ids make the retry safe.)
  [ccxt.BadResponse, 'retryable', 'bad_response'],
  // The cancel is still being processed by the venue: ask again later.
  [ccxt.CancelPending, 'retryable', 'cancel_pending'],
  // ccxt documents OperationFailed as the recoverable root: a bare one is retryable too.
  [ccxt.OperationFailed, 'retryable', 'operation_failed'],

  // --- ExchangeError: the venue answered and refused -------------------------------------
  [ccxt.AccountNotEnabled, 'fatal', 'account_not_enabled'],
  [ccxt.PermissionDenied, 'fatal', 'permission_denied'],
  [ccxt.AccountSuspended, 'fatal', 'account_suspended'],
  [ccxt.AuthenticationError, 'fatal', 'authentication'],
  [ccxt.InsufficientFunds, 'non_retryable', 'insufficient_funds'],
  [ccxt.OrderImmediatelyFillable, 'non_retryable', 'post_only_would_take'],
  [ccxt.DuplicateOrderId, 'non_retryable', 'duplicate_order'],
  [ccxt.OrderNotFound, 'non_retryable', 'order_not_found'],
  [ccxt.OrderNotCached, 'non_retryable', 'order_not_cached'],
  [ccxt.OrderNotFillable, 'non_retryable', 'order_not_fillable'],
  [ccxt.ContractUnavailable, 'non_retryable', 'contract_unavailable'],
  [ccxt.InvalidOrder, 'non_retryable', 'invalid_order'],
  [ccxt.BadSymbol, 'non_retryable', 'bad_symbol'],
  [ccxt.BadRequest, 'non_retryable', 'bad_request'],
  [ccxt.ArgumentsRequired, 'non_retryable', 'arguments_required'],
  // The account may not trade from here / until a human acts on the venue: stop.
  [ccxt.RestrictedLocation, 'fatal', 'restricted_location'],
  [ccxt.ManualInteractionNeeded, 'fatal', 'manual_interaction_needed'],
  [ccxt.MarketClosed, 'non_retryable', 'market_closed'],
  [ccxt.NoChange, 'non_retryable', 'no_change'],
  [ccxt.OperationRejected, 'non_retryable', 'operation_rejected'],
  [ccxt.InvalidAddress, 'non_retryable', 'invalid_address'],
  // Calling a method the venue lacks is a code fault: this request fails, the account is fine.
  [ccxt.NotSupported, 'non_retryable', 'not_supported'],
  // Local configuration / lifecycle: no request on this client can succeed.
  [ccxt.InvalidProxySettings, 'fatal', 'invalid_proxy_settings'],
  [ccxt.ExchangeClosedByUser, 'fatal', 'exchange_closed'],
  // Anything else the venue refused: unknown, and not retried, so as not to hammer the venue.
  [ccxt.ExchangeError, 'non_retryable', 'unknown'],

  // --- other ccxt roots --------------------------------------------------------------------
  [ccxt.UnsubscribeError, 'non_retryable', 'unsubscribe_failed'],
];

/** A venue's code (and, where the code is shared with other cases, its text) that refines a ccxt class. */
interface VenueCodeRule {
  /** ccxt's exchange id, the first word of the message. */
  readonly exchange: string;
  /** The class ccxt raises for the code; the rule applies only under it. */
  readonly within: ErrorClass;
  readonly code: string;
  /** Required of the venue's `msg` when the code alone is not specific enough. */
  readonly msg?: RegExp;
  readonly kind: VenueErrorKind;
  readonly reason: string;
}

const VENUE_CODES: readonly VenueCodeRule[] = [
  // Bitget answers a post-only order that would take with 40706 ("Wrong order price": ccxt's
  // exceptions map has it as InvalidOrder, and no Bitget code for OrderImmediatelyFillable). The
  // code covers other wrong prices too, so its message must name the post-only order as well
  // (the simulator's: "Wrong order price: the post_only order would match immediately and take
  // liquidity"); a bare "Wrong order price" stays invalid_order.
  { exchange: 'bitget', within: ccxt.InvalidOrder, code: '40706', msg: /post[\s_-]?only/i, kind: 'non_retryable', reason: 'post_only_would_take' },
  // Binance USDⓈ-M answers a post-only (GTX) order that would take with -5022 ("Due to the order
  // could not be executed as maker, the Post Only order will be rejected."). ccxt 4.5's futures
  // table has it as OrderNotFillable (binanceusdm's own table as plain InvalidOrder), not
  // OrderImmediatelyFillable; OrderNotFillable also covers a FOK that cannot fill (-5021), so the
  // class alone cannot say post-only. On USDⓈ-M the code means nothing else.
  { exchange: 'binanceusdm', within: ccxt.InvalidOrder, code: '-5022', kind: 'non_retryable', reason: 'post_only_would_take' },
  // Bitget's 40015 "System is abnormal, please try again later" is its answer to an internal
  // failure (as Binance's -1000, which ccxt raises as the retryable OperationFailed); ccxt 4.5
  // raises a bare ExchangeError, which would make a transient venue fault a refusal (no retry of
  // a cancel, a place given up at once).
  { exchange: 'bitget', within: ccxt.ExchangeError, code: '40015', kind: 'retryable', reason: 'exchange_unavailable' },
];

/**
 * The venue's `{code, msg}` from a ccxt message `<exchange id> <JSON body>` (how ccxt's bitget
 * `handleErrors` words it: `this.id + ' ' + body`), or null when the message is not that.
 */
function venueAnswer(message: string): { exchange: string; code: string; msg: string } | null {
  const m = /^([a-z0-9]+) (\{.*\})\s*$/s.exec(message);
  if (m === null) return null;
  let body: unknown;
  try {
    body = JSON.parse(m[2] ?? '');
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  const code = b['code'] ?? b['err_code'];
  const msg = b['msg'] ?? b['err_msg'];
  if (typeof code !== 'string' && typeof code !== 'number') return null;
  return { exchange: m[1] ?? '', code: String(code), msg: typeof msg === 'string' ? msg : '' };
}

function byVenueCode(e: Error): VenueCodeRule | null {
  if (!VENUE_CODES.some((r) => e instanceof r.within)) return null;
  const answer = venueAnswer(e.message);
  if (answer === null) return null;
  return VENUE_CODES.find((r) => r.exchange === answer.exchange && r.code === answer.code && e instanceof r.within && (r.msg === undefined || r.msg.test(answer.msg))) ?? null;
}

function describeValue(e: unknown): string {
  if (e instanceof Error) return e.message === '' ? e.name : e.message;
  if (typeof e === 'string') return e;
  if (e === null || e === undefined || typeof e !== 'object') return String(e);
  try {
    return JSON.stringify(e) ?? String(e);
  } catch {
    return String(e);
  }
}

/**
 * What to do about `e`, thrown by a ccxt call. Never throws. A bare ccxt BaseError, a non-ccxt
 * Error (most likely a fault in desk's own code) and a thrown non-Error value are all
 * non_retryable 'unknown': retrying a bug only repeats it.
 */
export function classifyVenueError(e: unknown): VenueErrorClass {
  const message = describeValue(e);
  if (e instanceof Error) {
    const coded = byVenueCode(e);
    if (coded !== null) return { kind: coded.kind, reason: coded.reason, message, retryAfterMs: null };
    for (const [cls, kind, reason] of RULES) {
      if (e instanceof cls) return { kind, reason, message, retryAfterMs: null };
    }
  }
  return { kind: 'non_retryable', reason: 'unknown', message, retryAfterMs: null };
}
