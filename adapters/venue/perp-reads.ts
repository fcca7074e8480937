/**
 * A perp account as the venue reports it through ccxt, in the desk's terms (domain/accounting/perp.ts):
 * the wallet (margin balance without unrealized PnL), the signed position in base units, its
 * unrealized PnL and the leverage the venue has set for the symbol.
 *
 * ccxt's `fetchBalance().total` of a USDⓈ-M / USDT-M account is the equity (Binance
 * `marginBalance`, Bitget `accountEquity`: wallet + unrealized PnL), so the wallet is that total
 * minus the unrealized PnL of every position `fetchPositions` lists. A position's size is
 * `contracts·contractSize`, negative on the short side.
 */
import type { Exchange, Position } from 'ccxt';
import { Decimal, ZERO } from '../../domain/money/decimal.ts';

export interface VenuePerpState {
  /** Settlement-asset equity: wallet + unrealized PnL of every position. */
  readonly equity: Decimal;
  /** Wallet: equity − unrealized PnL. */
  readonly wallet: Decimal;
  /** The symbol's signed position in base units (0 when none is listed). */
  readonly position: Decimal;
  readonly entryPrice: Decimal | null;
  readonly unrealizedPnl: Decimal;
  /** The leverage the venue has set for the symbol, when it says. */
  readonly leverage: Decimal | null;
}

const dec = (x: unknown): Decimal | null => (typeof x === 'number' && Number.isFinite(x) ? new Decimal(String(x)) : typeof x === 'string' && x !== '' && Number.isFinite(Number(x)) ? new Decimal(x) : null);

/** The signed size of a ccxt position in base units. */
export function positionSize(p: Position, contractSize: number | undefined): Decimal {
  const contracts = dec(p.contracts) ?? ZERO;
  const size = contracts.abs().times(dec(p.contractSize) ?? dec(contractSize) ?? 1);
  return p.side === 'short' ? size.negated() : size;
}

/** Reads the account (settled in `settle`, e.g. USDT) and the position of `symbol`. */
export async function readPerpState(exchange: Pick<Exchange, 'fetchBalance' | 'fetchPositions' | 'markets'>, symbol: string, settle: string): Promise<VenuePerpState> {
  const [balance, positions] = await Promise.all([exchange.fetchBalance(), exchange.fetchPositions()]);
  const total = (balance.total ?? {}) as unknown as Record<string, unknown>;
  const equity = dec(total[settle]) ?? ZERO;
  let unrealizedAll = ZERO;
  let mine: Position | undefined;
  for (const p of positions) {
    unrealizedAll = unrealizedAll.plus(dec(p.unrealizedPnl) ?? ZERO);
    if (p.symbol === symbol && !(dec(p.contracts) ?? ZERO).isZero()) mine = p;
  }
  // The leverage is per symbol; a venue may list the symbol with no contracts (flat) and still say it.
  const listed = mine ?? positions.find((p) => p.symbol === symbol);
  const contractSize = exchange.markets?.[symbol]?.contractSize;
  return {
    equity,
    wallet: equity.minus(unrealizedAll),
    position: mine === undefined ? ZERO : positionSize(mine, contractSize),
    entryPrice: mine === undefined ? null : dec(mine.entryPrice),
    unrealizedPnl: mine === undefined ? ZERO : (dec(mine.unrealizedPnl) ?? ZERO),
    leverage: listed === undefined ? null : dec(listed.leverage),
  };
}
