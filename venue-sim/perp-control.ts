/**
 * The perpetual simulator's control endpoints, on the same 127.0.0.1 server as the venue and
 * unsigned like `/__sim/faults` (docs/venue-sim.md):
 *
 * - `/__sim/funding`: GET shows the rate, the interval and the next settlement time; PUT
 *   `{"rate": "0.0003"}` changes the rate from the next settlement on.
 * - `/__sim/transfer`: POST `{"asset": "USDT", "amount": "-9000"}` moves funds out of (negative)
 *   or into the account's wallet, as a transfer from or to another wallet would.
 *
 * Bad input is a 400 `{error}` naming the field; nothing changes.
 */
import { Decimal } from '../domain/money/decimal.ts';
import { parseFundingRate } from './funding.ts';
import { type PerpAccount, SETTLE_ASSET } from './perp-account.ts';
import type { SimControl, SimResponse } from './server.ts';

export const FUNDING_CONTROL_PATH = '/__sim/funding';
export const TRANSFER_CONTROL_PATH = '/__sim/transfer';

const bad = (error: string): SimResponse => ({ status: 400, body: { error } });

function parseObject(rawBody: string, path: string): { readonly doc: Record<string, unknown> } | { readonly refused: SimResponse } {
  let doc: unknown;
  try {
    doc = JSON.parse(rawBody === '' ? 'null' : rawBody);
  } catch {
    return { refused: bad(`body: expected a JSON object for ${path}, got ${JSON.stringify(rawBody.slice(0, 80))}`) };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { refused: bad(`body: expected a JSON object for ${path}`) };
  return { doc: doc as Record<string, unknown> };
}

export function fundingControl(account: PerpAccount, now: () => number): SimControl {
  const status = (): SimResponse => {
    const f = account.funding;
    const next = f.next(now());
    return { status: 200, body: { rate: f.rate.toFixed(), intervalS: f.intervalMs / 1000, nextFundingTime: next, nextFundingIso: new Date(next).toISOString() } };
  };
  return (method, rawBody) => {
    if (method === 'GET') return status();
    if (method !== 'PUT') return { status: 405, body: { error: `${FUNDING_CONTROL_PATH}: expected GET or PUT, got ${method}` } };
    const parsed = parseObject(rawBody, FUNDING_CONTROL_PATH);
    if ('refused' in parsed) return parsed.refused;
    const doc = parsed.doc;
    const extra = Object.keys(doc).filter((k) => k !== 'rate');
    if (extra.length > 0) return bad(`${extra[0] as string}: unknown field (only "rate" can be changed)`);
    if (!('rate' in doc)) return bad('rate: required, a decimal string such as "0.0003"');
    try {
      const rate = parseFundingRate(doc['rate'], 'rate');
      account.sync(); // settlements already due are booked at the old rate
      account.funding.rate = rate;
    } catch (e) {
      return bad(e instanceof Error ? e.message : String(e));
    }
    return status();
  };
}

export function transferControl(account: PerpAccount): SimControl {
  return (method, rawBody) => {
    if (method !== 'POST') return { status: 405, body: { error: `${TRANSFER_CONTROL_PATH}: expected POST, got ${method}` } };
    const parsed = parseObject(rawBody, TRANSFER_CONTROL_PATH);
    if ('refused' in parsed) return parsed.refused;
    const doc = parsed.doc;
    const asset = doc['asset'];
    if (asset !== SETTLE_ASSET) return bad(`asset: expected "${SETTLE_ASSET}" (the settlement asset), got ${JSON.stringify(asset)}`);
    const text = doc['amount'];
    if ((typeof text !== 'string' && typeof text !== 'number') || !/^-?\d+(\.\d+)?$/.test(String(text))) return bad(`amount: expected a signed decimal string such as "-9000" (negative moves funds out), got ${JSON.stringify(text)}`);
    const amount = new Decimal(String(text));
    if (amount.isZero()) return bad('amount: expected a non-zero amount');
    const refused = account.transfer(amount);
    if (refused !== null) return bad(refused);
    return { status: 200, body: { asset: SETTLE_ASSET, amount: amount.toFixed(), walletBalance: account.wallet.toFixed() } };
  };
}
