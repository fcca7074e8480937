/**
 * Binance's request signing, as its spot (`/api`) and USDⓈ-M futures (`/fapi`) APIs check it:
 * the `X-MBX-APIKEY` header, `signature` = hex HMAC-SHA256 of the query string followed by the
 * body exactly as sent (without the signature itself), and `timestamp` within `recvWindow`
 * (default 5000 ms, at most 60000) of the venue's clock. Shared by both Binance dialects.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SimRequest, SimResponse } from './server.ts';

export interface BinanceCredentials {
  readonly apiKey: string;
  readonly secret: string;
}

/** Binance's error body `{code, msg}`. */
export const binanceErr = (status: number, code: number, msg: string): SimResponse => ({ status, body: { code, msg } });
export const mandatory = (name: string): SimResponse => binanceErr(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);

/** null when the request is signed by `credentials` in time; otherwise Binance's error answer. */
export function binanceAuthenticate(req: SimRequest, credentials: BinanceCredentials, now: number): SimResponse | null {
  const key = req.headers['x-mbx-apikey'];
  if (typeof key !== 'string' || key === '') return binanceErr(401, -2014, 'API-key format invalid.');
  if (key !== credentials.apiKey) return binanceErr(401, -2015, 'Invalid API-key, IP, or permissions for action.');
  const raw = [req.rawQuery, req.rawBody].filter((s) => s !== '').join('');
  const m = /(?:^|&)signature=([0-9a-fA-F]+)(?:&|$)/.exec(raw);
  if (m === null) return mandatory('signature');
  const payload = [req.rawQuery, req.rawBody]
    .filter((s) => s !== '')
    .map((s) => s.replace(/(^|&)signature=[0-9a-fA-F]+(?=&|$)/, '').replace(/^&/, ''))
    .join('');
  const expected = createHmac('sha256', credentials.secret).update(payload).digest();
  const given = Buffer.from(m[1] as string, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return binanceErr(400, -1022, 'Signature for this request is not valid.');
  const ts = Number(req.params.get('timestamp'));
  if (!Number.isInteger(ts)) return mandatory('timestamp');
  const recvWindow = req.params.has('recvWindow') ? Number(req.params.get('recvWindow')) : 5000;
  if (!Number.isInteger(recvWindow) || recvWindow <= 0 || recvWindow > 60_000) return binanceErr(400, -1131, 'recvWindow must be less than 60000');
  if (ts >= now + 1000 || now - ts > recvWindow) return binanceErr(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
  return null;
}
