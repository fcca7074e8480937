/**
 * A local OTLP/HTTP trace receiver for the tracing benchmark: accepts `POST /v1/traces`,
 * counts requests, bytes and spans (JSON bodies, as the OTLP/HTTP JSON exporter sends), and
 * answers 200. It runs in a worker thread so that receiving and parsing the exports does not
 * take time from the desk's thread — as with a real collector, which is another process.
 */
import { Worker } from 'node:worker_threads';

/** What the receiver has seen since it started (or since the last {@link OtlpReceiver.reset}). */
export interface ReceiverStats {
  readonly requests: number;
  readonly bytes: number;
  readonly spans: number;
  /** Requests that were not `POST /v1/traces` or whose body did not parse. */
  readonly errors: number;
}

export interface OtlpReceiver {
  /** The base endpoint to give the exporter (`http://127.0.0.1:<port>`). */
  readonly endpoint: string;
  stats(): Promise<ReceiverStats>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

// Plain CommonJS, evaluated in the worker (no TypeScript loader needed there).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
const zlib = require('node:zlib');
let s = { requests: 0, bytes: 0, spans: 0, errors: 0 };
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method !== 'POST' || req.url !== '/v1/traces') { s.errors++; res.writeHead(404).end(); return; }
    let body = Buffer.concat(chunks);
    s.requests++;
    s.bytes += body.length;
    try {
      if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
      const j = JSON.parse(body.toString('utf8'));
      for (const rs of j.resourceSpans || []) for (const ss of rs.scopeSpans || []) s.spans += (ss.spans || []).length;
    } catch { s.errors++; }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ type: 'listening', port: server.address().port }));
parentPort.on('message', (m) => {
  if (m === 'stats') parentPort.postMessage({ type: 'stats', stats: s });
  else if (m === 'reset') { s = { requests: 0, bytes: 0, spans: 0, errors: 0 }; parentPort.postMessage({ type: 'reset' }); }
  else if (m === 'close') { server.closeAllConnections(); server.close(() => parentPort.postMessage({ type: 'closed' })); }
});
`;

interface Reply {
  readonly type: string;
  readonly port?: number;
  readonly stats?: ReceiverStats;
}

/** Starts the receiver on a free port of 127.0.0.1. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  // One request at a time: each call waits for the worker's reply of the expected type.
  const next = (type: string): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: Reply): void => {
        if (m.type !== type) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve(m);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  const { port } = await next('listening');
  if (port === undefined) throw new Error('otlp receiver: no port');
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stats() {
      const reply = next('stats');
      worker.postMessage('stats');
      const { stats } = await reply;
      if (stats === undefined) throw new Error('otlp receiver: no stats');
      return stats;
    },
    async reset() {
      const reply = next('reset');
      worker.postMessage('reset');
      await reply;
    },
    async close() {
      const reply = next('closed');
      worker.postMessage('close');
      await reply;
      await worker.terminate();
    },
  };
}
