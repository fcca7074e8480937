/**
 * The desk's own event store (`events-YYYY-MM-DD.jsonl`, one envelope a line) → market events,
 * as far as the store honestly holds market data — which is not far.
 *
 * The store records what the desk DID, not what the market did: no book, no mid, no public
 * trades. The only prices that were real executions are the desk's own fills, so:
 * - `order.filled` → a `trade` at the fill's price and amount, at the envelope's `ts` (the
 *   desk's clock); the taker side is the counterparty's for a maker fill (a filled buy was hit
 *   by a seller) and the desk's own for a taker fill; `id` = the envelope's eventId;
 * - `bot.started` names the symbol of each bot (meta.symbol; two symbols → `mixed_symbols`);
 * - nothing else is derived: `state.snapshot` carries holdings and PnL but no price;
 *   `order.created` prices are the desk's own quotes; `funding.accrued.mark` is a mark price at
 *   funding times only. Turning any of those into a book would fabricate market data.
 * A backtest on this is a replay of the desk's own fills (no books, so no L2 fill model can
 * run on it); it is useful for checking fill and PnL accounting, not for judging a strategy.
 *
 * Findings: malformed JSON or an invalid envelope → `bad_row` (an unterminated, unparseable
 * last line — a torn append — is a warning); a fill with a bad price or amount → `bad_price` /
 * `bad_row`; the same fill eventId twice → `duplicate_ts`. Pure: no I/O.
 */
import { envelopeIssues } from '../../adapters/store/envelope-schema.ts';
import type { EventEnvelope } from '../../domain/events/envelope.ts';
import type { Trade } from '../../domain/market/types.ts';
import { type Decimal, ZERO, dec } from '../../domain/money/decimal.ts';
import type { DataFinding, MarketEvent } from '../types.ts';
import { error, warning } from './findings.ts';
import { type LinesInput, type LinesSeries, type Located as LocatedLine, locatedLines } from './jsonl-lines.ts';

export type StoreInput = LinesInput;
export type StoreSeries = LinesSeries;

type Located = LocatedLine<{ readonly e: EventEnvelope }>;

function envelopes(f: StoreInput, findings: DataFinding[]): Located[] {
  return locatedLines(f, (text, line, torn) => {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      findings.push(torn ? warning('bad_row', f.file, 'torn last line (an interrupted append): ignored', line) : error('bad_row', f.file, 'malformed JSON', line));
      return null;
    }
    const issues = envelopeIssues(v);
    if (issues.length === 0) return { e: v as EventEnvelope };
    findings.push(error('bad_row', f.file, `not an event envelope: ${issues.map((x) => `${x.path}: ${x.message}`).join('; ')}`, line));
    return null;
  });
}

function positive(v: unknown, what: string): Decimal | string {
  if (typeof v !== 'string') return `${what} is missing or not a decimal string`;
  try {
    const d = dec(v, what);
    return d.gt(ZERO) ? d : `${what} ${v} must be > 0`;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** The fill as a trade, or the finding that explains why it is not one. */
function fillTrade(l: Located): Trade | DataFinding {
  const p = l.e.payload;
  const price = positive(p['price'], 'price');
  if (typeof price === 'string') return error('bad_price', l.file, `order.filled: ${price}`, l.line);
  const amount = positive(p['amount'], 'amount');
  if (typeof amount === 'string') return error('bad_row', l.file, `order.filled: ${amount}`, l.line);
  const side = p['side'];
  const liquidity = p['liquidity'];
  if ((side !== 'buy' && side !== 'sell') || (liquidity !== 'maker' && liquidity !== 'taker')) {
    return error('bad_row', l.file, 'order.filled: side must be buy|sell and liquidity maker|taker', l.line);
  }
  const takerSide = liquidity === 'taker' ? side : side === 'buy' ? 'sell' : 'buy';
  return { ts: l.e.ts, price, amount, takerSide, id: l.e.eventId };
}

/** Trades derived from the store's fills, in time order (stable for equal times). */
export function storeSeries(inputs: readonly StoreInput[]): StoreSeries {
  const findings: DataFinding[] = [];
  const all = inputs.flatMap((f) => envelopes(f, findings));
  const botSymbol = new Map<string, string>();
  for (const l of all) {
    const s = l.e.payload['symbol'];
    if (l.e.type === 'bot.started' && l.e.botId !== null && typeof s === 'string') botSymbol.set(l.e.botId, s);
  }
  const events: MarketEvent[] = [];
  const symbols = new Map<string, string>(); // symbol → first file holding a fill of it
  const seen = new Map<string, Located>();
  for (const l of all) {
    if (l.e.type !== 'order.filled') continue;
    const dup = seen.get(l.e.eventId);
    if (dup !== undefined) {
      findings.push(error('duplicate_ts', l.file, `fill ${l.e.eventId} already seen at ${dup.file}:${dup.line}`, l.line));
      continue;
    }
    seen.set(l.e.eventId, l);
    const t = fillTrade(l);
    if ('severity' in t) {
      findings.push(t);
      continue;
    }
    const sym = l.e.botId === null ? undefined : botSymbol.get(l.e.botId);
    if (sym !== undefined && !symbols.has(sym)) symbols.set(sym, l.file);
    events.push({ kind: 'trade', ts: t.ts, trade: t });
  }
  if (symbols.size > 1) {
    const listing = [...symbols.keys()].sort().join(', ');
    for (const file of new Set(symbols.values())) findings.push(error('mixed_symbols', file, `fills of several symbols (${listing}): one data set is one symbol`));
  }
  events.sort((a, b) => a.ts - b.ts);
  return { events, symbol: symbols.size === 1 ? ([...symbols.keys()][0] ?? null) : null, findings };
}
