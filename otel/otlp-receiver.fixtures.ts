/**
 * Test fixture: a local OTLP/HTTP receiver that records every request and answers 200 `{}`,
 * plus the slice of the OTLP JSON shape the tests read. Shared by the tracing unit test and the
 * `desk up` tracing end-to-end test (the benchmark has its own, in a worker thread).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface OtlpAttr { readonly key: string; readonly value: { readonly stringValue?: string } }
export interface OtlpSpan { readonly name: string; readonly attributes: readonly OtlpAttr[] }
export interface OtlpBody {
  readonly resourceSpans: readonly { readonly resource: { readonly attributes: readonly OtlpAttr[] }; readonly scopeSpans: readonly { readonly spans: readonly OtlpSpan[] }[] }[];
}

/** The string value of attribute `key`, if present. */
export const attr = (attrs: readonly OtlpAttr[], key: string): string | undefined => attrs.find((a) => a.key === key)?.value.stringValue;

/** Every span of every body, in order. */
export const spansOf = (bodies: readonly OtlpBody[]): OtlpSpan[] => bodies.flatMap((b) => b.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));

/** Starts the receiver on a free 127.0.0.1 port. */
export async function startReceiver(): Promise<{ endpoint: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = (): Promise<void> => new Promise<void>((resolve) => server.close(() => resolve()));
  return { endpoint: `http://127.0.0.1:${port}`, received, close };
}
