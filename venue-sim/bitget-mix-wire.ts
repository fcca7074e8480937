/**
 * Bitget USDT-M futures' JSON shapes (API v2 `mix`), as ccxt 4.5.84's `bitget` parsers read them:
 * contracts (`parseMarket`: `pricePlace`/`priceEndStep`, `volumePlace`/`sizeMultiplier`,
 * `minTradeNum`, `minTradeUSDT`, `maxLever`), accounts (`parseBalance`: total = `accountEquity`,
 * free = `maxTransferOut`; `parseLeverage`: `crossedMarginLeverage`), positions
 * (`parsePosition`), orders (`parseOrder`: `state`/`status`, `force`, `fee`), fills
 * (`parseTrade`: `feeDetail` a list because `posMode` is set) and bills (`parseFundingHistory`).
 * Decimals are strings, times are ms strings, as Bitget sends them.
 */
import { type Decimal, ZERO } from '../domain/money/decimal.ts';
import type { SimMarket, SimOrder, SimOrderStatus, SimTrade } from './engine.ts';
import { type AccountSummary, type IncomeEntry, type PositionRisk, SETTLE_ASSET } from './perp-account.ts';

const POS_MODE = 'one_way_mode';

const STATUS: Readonly<Record<SimOrderStatus, string>> = {
  NEW: 'live',
  PARTIALLY_FILLED: 'partially_filled',
  FILLED: 'filled',
  CANCELED: 'canceled',
  // Orders the venue refused (post-only would take) are never open; Bitget shows them canceled.
  EXPIRED: 'canceled',
  REJECTED: 'canceled',
};

/**
 * A contract: the tick is `priceEndStep`·10^−`pricePlace` (ccxt: the step with at least
 * `pricePlace` decimals), the lot `sizeMultiplier` (at least `volumePlace` decimals).
 */
export function contractJson(m: SimMarket, maxLeverage: number, fees: { readonly maker: Decimal; readonly taker: Decimal }, fundHours: string): Record<string, unknown> {
  const r = m.rules;
  const pricePlace = r.tickSize.decimalPlaces();
  return {
    symbol: m.id, baseCoin: r.base, quoteCoin: r.quote, buyLimitPriceRatio: '0.05', sellLimitPriceRatio: '0.05', feeRateUpRatio: '0.005',
    makerFeeRate: fees.maker.toFixed(), takerFeeRate: fees.taker.toFixed(), openCostUpRatio: '0.01', supportMarginCoins: [SETTLE_ASSET],
    minTradeNum: r.minAmount.toFixed(), priceEndStep: r.tickSize.times(10 ** pricePlace).toFixed(), volumePlace: String(r.lotStep.decimalPlaces()), pricePlace: String(pricePlace),
    sizeMultiplier: r.lotStep.toFixed(), symbolType: 'perpetual', minTradeUSDT: r.minNotional.toFixed(), maxSymbolOrderNum: '200', maxProductOrderNum: '400', maxPositionNum: '150',
    symbolStatus: 'normal', offTime: '-1', limitOpenTime: '-1', deliveryTime: '', deliveryStartTime: '', deliveryPeriod: '', launchTime: '', fundInterval: fundHours,
    minLever: '1', maxLever: String(maxLeverage), posLimit: '0.05', maintainTime: '',
  };
}

/** The USDT account; with `lev`, one symbol's account as `/account/account` answers (leverage fields set). */
export function accountJson(s: AccountSummary, lev: { readonly symbol: string; readonly leverage: number } | null): Record<string, unknown> {
  const maxTransferOut = transferable(s.available, s.wallet);
  const available = s.available.isNegative() ? ZERO : s.available;
  const risk = s.marginBalance.gt(0) ? s.maintMargin.div(s.marginBalance).toFixed(8) : '0';
  return {
    marginCoin: SETTLE_ASSET, locked: s.openOrderInitialMargin.toFixed(), available: available.toFixed(), crossedMaxAvailable: available.toFixed(), isolatedMaxAvailable: available.toFixed(),
    maxTransferOut: maxTransferOut.toFixed(), accountEquity: s.marginBalance.toFixed(), usdtEquity: s.marginBalance.toFixed(), btcEquity: '0', crossedRiskRate: risk,
    unrealizedPL: s.unrealized.toFixed(), crossedUnrealizedPL: s.unrealized.toFixed(), isolatedUnrealizedPL: '0', coupon: '0', assetMode: 'single', marginMode: 'crossed', posMode: POS_MODE,
    ...(lev !== null ? { symbol: lev.symbol, crossedMarginLeverage: lev.leverage, isolatedLongLever: lev.leverage, isolatedShortLever: lev.leverage } : {}),
  };
}

/** max(0, min(a, b)): what may leave the account (`maxTransferOut`). */
function transferable(a: Decimal, b: Decimal): Decimal {
  const lo = a.lt(b) ? a : b;
  return lo.isNegative() ? ZERO : lo;
}

/** An open position (one-way mode: `holdSide` long or short by its sign, `total` its size in base units). */
export function positionJson(r: PositionRisk, s: AccountSummary): Record<string, unknown> {
  const size = r.qty.abs().toFixed();
  const mark = r.mark?.toFixed() ?? '0';
  return {
    marginCoin: SETTLE_ASSET, symbol: r.market.id, holdSide: r.qty.isPositive() ? 'long' : 'short', openDelegateSize: '0', marginSize: r.initialMargin.toFixed(),
    available: size, locked: '0', total: size, leverage: String(r.leverage), achievedProfits: '0', openPriceAvg: r.entry.toFixed(), marginMode: 'crossed', posMode: POS_MODE,
    unrealizedPL: r.unrealized.toFixed(), liquidationPrice: '0', keepMarginRate: r.params.mmr.toFixed(), markPrice: mark, breakEvenPrice: r.entry.toFixed(),
    marginRatio: s.marginBalance.gt(0) ? s.maintMargin.div(s.marginBalance).toFixed(8) : '0', totalFee: '0', deductedFee: '0', cTime: String(r.updateTime), uTime: String(r.updateTime),
  };
}

/** An order: `detail` names its status `state`, `orders-pending` `status`; `fee` is negative, `totalProfits` the PnL its fills realized. */
export function orderJson(o: SimOrder, trades: readonly SimTrade[], leverage: number, statusKey: 'state' | 'status'): Record<string, unknown> {
  const fee = trades.reduce((a, t) => a.plus(t.fee), ZERO);
  const profit = trades.reduce((a, t) => a.plus(t.realizedPnl ?? ZERO), ZERO);
  return {
    symbol: o.marketId, size: o.amount.toFixed(), orderId: String(o.orderId), clientOid: o.clientOrderId, baseVolume: o.filled.toFixed(), fee: fee.neg().toFixed(),
    price: o.price.toFixed(), ...(o.filled.gt(0) ? { priceAvg: o.quoteFilled.div(o.filled).toFixed() } : {}), [statusKey]: STATUS[o.status], side: o.side,
    force: o.postOnly ? 'post_only' : 'gtc', totalProfits: profit.toFixed(), posSide: 'net', marginCoin: SETTLE_ASSET, quoteVolume: o.quoteFilled.toFixed(), orderType: 'limit',
    leverage: String(leverage), marginMode: 'crossed', reduceOnly: 'NO', enterPointSource: 'API', tradeSide: o.side === 'buy' ? 'buy_single' : 'sell_single', posMode: POS_MODE,
    orderSource: 'normal', cancelReason: '', cTime: String(o.time), uTime: String(o.updateTime),
  };
}

/** A fill: `profit` the PnL it realized; `feeDetail[0].totalFee` negative (what was paid). */
export function fillJson(t: SimTrade): Record<string, unknown> {
  return {
    tradeId: String(t.id), symbol: t.marketId, orderId: String(t.orderId), price: t.price.toFixed(), baseVolume: t.amount.toFixed(),
    feeDetail: [{ deduction: 'no', feeCoin: t.feeAsset, totalDeductionFee: '0', totalFee: t.fee.neg().toFixed() }],
    side: t.side, quoteVolume: t.price.times(t.amount).toFixed(), profit: (t.realizedPnl ?? ZERO).toFixed(), enterPointSource: 'API',
    tradeSide: t.side === 'buy' ? 'buy_single' : 'sell_single', posMode: POS_MODE, tradeScope: t.maker ? 'maker' : 'taker', cTime: String(t.time),
  };
}

/** A bill: `amount` signed (negative when the account paid). */
export function billJson(e: IncomeEntry, businessType: string): Record<string, unknown> {
  return { billId: String(e.id), symbol: e.marketId, amount: e.amount.toFixed(), fee: '0', feeByCoupon: '', businessType, coin: e.asset, cTime: String(e.time) };
}
