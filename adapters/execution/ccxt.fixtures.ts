/**
 * Test fixtures of the ccxt adapter's tests: the four (venue, market) pairs the desk trades, each
 * with its simulator (the bundled BTCUSDT capture of its market kind), the desk's ccxt client for
 * it (`createCcxtExchange`, as `desk up` builds it) and a raw ccxt client beside it, the venue's
 * BTCUSDT rules, the dialect's route names for faults, and order sizes that pass its minimums.
 */
import { join, resolve } from 'node:path';
import type { Exchange } from 'ccxt';
import { createCcxtExchange } from '../venue/ccxt-venue.ts';
import type { ClientOrderId } from '../../domain/ids.ts';
import type { InstrumentRules } from '../../domain/instrument/rules.ts';
import { Decimal } from '../../domain/money/decimal.ts';
import { silentLogger } from '../../otel/logger.ts';
import { bitgetSimClient, bitgetSwapSimClient, simClient, usdmSimClient } from '../../venue-sim/ccxt-client.fixtures.ts';
import { DEFAULT_SIM_CREDENTIALS, type VenueSim, openVenueSim } from '../../venue-sim/open.ts';

const rules = (tick: string, lot: string, minAmount: string, minNotional: string): InstrumentRules => ({
  symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: new Decimal(tick), lotStep: new Decimal(lot), minAmount: new Decimal(minAmount), minNotional: new Decimal(minNotional),
});

/** Binance spot's BTCUSDT rules (venue-sim/markets.ts). */
export const BTC_RULES: InstrumentRules = rules('0.01', '0.00001', '0.00001', '5');

const DATA = join(resolve(import.meta.dirname, '..', '..'), 'data');
const SPOT_CAPTURE = join(DATA, 'binance-spot-20240808', 'btcusdt_20240808.gz');
const PERP_CAPTURE = join(DATA, 'binance-usdm-20240808', 'btcusdt_20240808.gz');

/** A sim account's credentials as ccxt takes them (`password` is Bitget's passphrase; Binance ignores it). */
export interface PairCredentials {
  readonly apiKey: string;
  readonly secret: string;
  readonly password: string;
}

const SIM_CREDS: PairCredentials = { apiKey: DEFAULT_SIM_CREDENTIALS.apiKey, secret: DEFAULT_SIM_CREDENTIALS.secret, password: DEFAULT_SIM_CREDENTIALS.passphrase };

/** One (venue, market) pair the desk trades, as the adapter's tests use it. */
export interface VenuePair {
  readonly name: string;
  readonly venue: 'binance' | 'bitget';
  readonly market: 'spot' | 'perp';
  readonly capture: string;
  /** ccxt's symbol of BTCUSDT on the pair. */
  readonly symbol: string;
  readonly rules: InstrumentRules;
  /**
   * The smallest amount as the venue lists it, when it differs from `rules.minAmount`: Bitget
   * spot publishes `minTradeAmount` 0 (one lot is the smallest amount it takes), so ccxt's
   * `limits.amount.min`, and with it the adapter's `tradingRules`, say 0.
   */
  readonly listedMinAmount?: string;
  /** A small order that passes the venue's minimum notional (and fits the account). */
  readonly amount: Decimal;
  /** The dialect's routes (fault specs name them). */
  readonly routes: { readonly place: string; readonly cancel: string; readonly openOrders: string; readonly orderFamily: string };
  /** A 401 the venue answers to an unknown API key (an `errorRate` fault's status/code/msg). */
  readonly authError: { readonly status: number; readonly code: number; readonly msg: string };
  /**
   * Partial fills of 30% of the remaining each (`partialFills` maxFraction 0.3), floored to the
   * lot: the order amount, the three pieces, what remains after each.
   */
  readonly partial: { readonly amount: string; readonly pieces: readonly string[]; readonly remaining: readonly string[]; readonly booked: string };
  /** A raw ccxt client of the pair on the simulator at `url` (the tests' view of the venue). */
  rawClient(url: string): Exchange;
}

const SPOT_PARTIAL_BINANCE = { amount: '0.001', pieces: ['0.0003', '0.00021', '0.00014'], remaining: ['0.0007', '0.00049', '0.00035'], booked: '0.00065' } as const;
const SPOT_PARTIAL_BITGET = { amount: '0.001', pieces: ['0.0003', '0.00021', '0.000147'], remaining: ['0.0007', '0.00049', '0.000343'], booked: '0.000657' } as const;
const PERP_PARTIAL = { amount: '0.01', pieces: ['0.003', '0.002', '0.001'], remaining: ['0.007', '0.005', '0.004'], booked: '0.006' } as const;

/** The four pairs: Binance spot and USDⓈ-M, Bitget spot and USDT-M. */
export const VENUE_PAIRS: readonly VenuePair[] = [
  {
    name: 'binance spot',
    venue: 'binance',
    market: 'spot',
    capture: SPOT_CAPTURE,
    symbol: 'BTC/USDT',
    rules: BTC_RULES,
    amount: new Decimal('0.001'),
    routes: { place: 'POST /api/v3/order', cancel: 'DELETE /api/v3/order', openOrders: 'GET /api/v3/openOrders', orderFamily: '/api/v3/*' },
    authError: { status: 401, code: -2014, msg: 'API-key format invalid.' },
    partial: SPOT_PARTIAL_BINANCE,
    rawClient: (url) => simClient(url),
  },
  {
    name: 'binance perp (USDⓈ-M)',
    venue: 'binance',
    market: 'perp',
    capture: PERP_CAPTURE,
    symbol: 'BTC/USDT:USDT',
    rules: rules('0.1', '0.001', '0.001', '100'),
    amount: new Decimal('0.003'),
    routes: { place: 'POST /fapi/v1/order', cancel: 'DELETE /fapi/v1/order', openOrders: 'GET /fapi/v1/openOrders', orderFamily: '/fapi/v1/*' },
    authError: { status: 401, code: -2014, msg: 'API-key format invalid.' },
    partial: PERP_PARTIAL,
    rawClient: (url) => usdmSimClient(url),
  },
  {
    name: 'bitget spot',
    venue: 'bitget',
    market: 'spot',
    capture: SPOT_CAPTURE,
    symbol: 'BTC/USDT',
    rules: rules('0.01', '0.000001', '0.000001', '1'),
    listedMinAmount: '0',
    amount: new Decimal('0.001'),
    routes: { place: 'POST /api/v2/spot/trade/place-order', cancel: 'POST /api/v2/spot/trade/cancel-order', openOrders: 'GET /api/v2/spot/trade/unfilled-orders', orderFamily: '/api/v2/spot/trade/*' },
    authError: { status: 401, code: 40037, msg: 'Apikey does not exist' },
    partial: SPOT_PARTIAL_BITGET,
    rawClient: (url) => bitgetSimClient(url),
  },
  {
    name: 'bitget perp (USDT-M)',
    venue: 'bitget',
    market: 'perp',
    capture: PERP_CAPTURE,
    symbol: 'BTC/USDT:USDT',
    rules: rules('0.1', '0.001', '0.001', '5'),
    amount: new Decimal('0.003'),
    routes: { place: 'POST /api/v2/mix/order/place-order', cancel: 'POST /api/v2/mix/order/cancel-order', openOrders: 'GET /api/v2/mix/order/orders-pending', orderFamily: '/api/v2/mix/order/*' },
    authError: { status: 401, code: 40037, msg: 'Apikey does not exist' },
    partial: PERP_PARTIAL,
    rawClient: (url) => bitgetSwapSimClient(url),
  },
];

/** The pair's simulator (BTCUSDT, default account) and a raw ccxt client on it, markets loaded. */
export async function openPairSim(pair: VenuePair): Promise<{ sim: VenueSim; raw: Exchange }> {
  const sim = await openVenueSim({ venue: pair.venue, market: pair.market, port: 0, data: [pair.capture], logger: silentLogger() });
  const raw = pair.rawClient(sim.url);
  await raw.loadMarkets();
  return { sim, raw };
}

/** The desk's ccxt client of the pair (adapters/venue/ccxt-venue.ts) on the simulator at `url`; markets not loaded. */
export function pairExchange(pair: VenuePair, url: string, creds: Partial<PairCredentials> = {}): Exchange {
  const c = { ...SIM_CREDS, ...creds };
  return createCcxtExchange({ venue: pair.venue, market: pair.market, url, apiKey: c.apiKey, secret: c.secret, password: c.password });
}

/** Client order ids unique across runs and tests: `<prefix><time>-<n>`. */
export function clientIds(prefix: string): () => ClientOrderId {
  let seq = 0;
  return () => `${prefix}${Date.now().toString(36)}-${++seq}` as ClientOrderId;
}
