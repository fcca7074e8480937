/**
 * The local side of `desk recon` from a JSON file (format: docs/reconciliation.md): expected
 * balances, known open orders, local fills. Money values are decimal strings. Every violation
 * is reported at once, each with its path.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { Decimal } from '../../domain/money/decimal.ts';
import type { ReconFill, ReconOrder } from '../../domain/recon/index.ts';
import type { LocalBook } from '../../actors/reconciliation.ts';

export class LedgerFileError extends Error {
  override readonly name = 'LedgerFileError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const dec = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string such as "0.001"');
const id = z.string().min(1);

const schema = z.strictObject({
  bot: id.optional(),
  symbol: id.optional(),
  balances: z.record(z.string().regex(/^[A-Z0-9]{2,12}$/, 'expected an asset code such as USDT'), dec).optional(),
  openOrders: z.array(z.strictObject({ clientOrderId: id, side: z.enum(['buy', 'sell']), price: dec, amount: dec, filled: dec.default('0') })).default([]),
  fills: z.array(z.strictObject({ tradeId: id, clientOrderId: id.nullable().default(null), price: dec, amount: dec, fee: dec, feeAsset: id, ts: z.number().int().nonnegative() })).default([]),
  adopted: z.array(id).default([]),
});

export type LedgerFile = z.infer<typeof schema>;

/** Reads and validates a ledger file; throws LedgerFileError naming the file and every bad field. */
export async function readLedgerFile(path: string): Promise<LedgerFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new LedgerFileError(`--ledger ${path}: cannot read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new LedgerFileError(`--ledger ${path}: not JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.length === 0 ? '(root)' : i.path.join('.')}: ${i.message}`);
    throw new LedgerFileError(`--ledger ${path}: ${issues.join('; ')}`);
  }
  return r.data;
}

/** The file as a LocalBook; no `balances` ⇒ no expectation (the balance check is skipped). */
export function ledgerBook(f: LedgerFile | null): LocalBook {
  const balances = f?.balances === undefined ? null : Object.fromEntries(Object.entries(f.balances).map(([a, v]) => [a, new Decimal(v)]));
  const orders: ReconOrder[] = (f?.openOrders ?? []).map((o) => ({ clientOrderId: o.clientOrderId, side: o.side, price: new Decimal(o.price), amount: new Decimal(o.amount), filled: new Decimal(o.filled) }));
  const fills: ReconFill[] = (f?.fills ?? []).map((x) => ({ tradeId: x.tradeId, clientOrderId: x.clientOrderId, price: new Decimal(x.price), amount: new Decimal(x.amount), fee: new Decimal(x.fee), feeAsset: x.feeAsset, ts: x.ts }));
  return { expectedBalances: () => balances, knownOpenOrders: () => orders, fills: () => fills, adopted: () => f?.adopted ?? [] };
}
