/**
 * Typed identifiers: branded strings, so a venue order id can't be passed where a client
 * order id belongs. Constructors validate shape and throw a RangeError naming the id kind.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type BotId = Brand<string, 'BotId'>;
export type ClientOrderId = Brand<string, 'ClientOrderId'>;
export type VenueOrderId = Brand<string, 'VenueOrderId'>;
export type EventId = Brand<string, 'EventId'>;
export type InstrumentId = Brand<string, 'InstrumentId'>;

const BOT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
// Binance allows up to 36 chars of [.A-Z:/a-z0-9_-] for newClientOrderId; Bitget is laxer.
const CLIENT_ORDER_ID = /^[.A-Za-z0-9:/_-]{1,36}$/;

function check<T extends string>(kind: string, value: string, pattern?: RegExp): T {
  if (typeof value !== 'string' || value.length === 0) throw new RangeError(`${kind}: expected a non-empty string`);
  if (pattern && !pattern.test(value)) throw new RangeError(`${kind}: ${JSON.stringify(value)} does not match ${pattern.source}`);
  return value as T;
}

export const botId = (v: string): BotId => check<BotId>('BotId', v, BOT_ID);
export const clientOrderId = (v: string): ClientOrderId => check<ClientOrderId>('ClientOrderId', v, CLIENT_ORDER_ID);
export const venueOrderId = (v: string): VenueOrderId => check<VenueOrderId>('VenueOrderId', v);
export const eventId = (v: string): EventId => check<EventId>('EventId', v);
/** `<venue>:<market>:<SYMBOL>`, e.g. `binance:spot:BTCUSDT`. */
export const instrumentId = (v: string): InstrumentId => check<InstrumentId>('InstrumentId', v, /^[a-z0-9_]+:(spot|perp):[A-Z0-9]+$/);
