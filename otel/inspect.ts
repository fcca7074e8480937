/**
 * `desk up --inspect`: live actor state for the Stately inspector, served from a local endpoint.
 *
 * `@statelyai/inspect` turns XState inspection events into its wire format
 * (`@xstate.actor` / `@xstate.event` / `@xstate.snapshot`, JSON with `sessionId` and `_version`);
 * this module hosts the endpoint those messages go to. Why not the library's own
 * `createInspectorServer` (`@statelyai/inspect/server`): it listens on every interface, cannot
 * report a free port (port 0 would end up in its bridge page as `ws://localhost:0`), opens a
 * browser with `exec`, and its `stop()` neither waits nor closes open sockets. And why not
 * `createWebSocketInspector`: it is a client that would dial our own server and reconnects on a
 * 5 s timer after errors, which can outlive `stop()`. So: the library's `createInspector` with an
 * adapter that writes straight to the clients of a `ws` server on 127.0.0.1.
 *
 * One HTTP port serves both
 * - `GET /`: a bridge page (after the library's server) that embeds the Stately inspector UI in an
 *   iframe and feeds it the events from the WebSocket on the same origin — the UI itself is
 *   loaded from stately.ai, the events reach the page over the local socket only;
 * - the WebSocket: every client gets every event as one JSON text message; a client that connects
 *   late first gets, per live actor, its registration and its latest snapshot.
 * Browsers may only open the socket from the bridge page's own origin, so another web page cannot
 * read the desk's state; non-browser clients (no `Origin` header) are accepted.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { configure } from 'safe-stable-stringify';
import { WebSocket, WebSocketServer } from 'ws';
import type { InspectionEvent } from 'xstate';

/** The Stately inspector UI the bridge page embeds. */
export const DEFAULT_INSPECTOR_UI = 'https://stately.ai/inspect';

/** Options for {@link startInspector}. */
export interface InspectorOptions {
  /** Port for the page and the socket; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Interface to bind; 127.0.0.1 by default. */
  readonly host?: string;
  /** Inspector UI embedded by the bridge page; {@link DEFAULT_INSPECTOR_UI} by default. */
  readonly uiUrl?: string;
}

export interface DeskInspector {
  /** Pass to `createActor(machine, { inspect })`; a plain function, so it combines with other observers. */
  readonly inspect: (ev: InspectionEvent) => void;
  /** The WebSocket endpoint, e.g. `ws://127.0.0.1:4321`. */
  readonly url: string;
  /** The bridge page to open in a browser, e.g. `http://127.0.0.1:4321/`. */
  readonly pageUrl: string;
  /** Human text: how to open it. */
  readonly instructions: string;
  /** Closes the socket, its clients and the HTTP server; inspection events after that are dropped. */
  stop(): Promise<void>;
}

/** Actors remembered for late-joining clients; the oldest are forgotten beyond this. */
const MAX_REPLAYED_ACTORS = 500;
/** Same depth limit as the library's own WebSocket adapter. */
const stringify = configure({ maximumDepth: 10 });

/**
 * What a client that connects late needs to draw the current picture: per live actor, its
 * registration and its latest snapshot. Actors whose snapshot says they finished are dropped.
 */
class ReplayState {
  private readonly actors = new Map<string, { actor?: string; snapshot?: string }>();

  record(ev: StatelyInspectionEvent, message: string): void {
    if (ev.type === '@xstate.event') return;
    const status = ev.snapshot?.status;
    if (status === 'done' || status === 'error' || status === 'stopped') {
      this.actors.delete(ev.sessionId);
      return;
    }
    const entry = this.actors.get(ev.sessionId) ?? {};
    if (ev.type === '@xstate.actor') entry.actor = message;
    else entry.snapshot = message;
    this.actors.delete(ev.sessionId); // re-insert: most recently active last
    this.actors.set(ev.sessionId, entry);
    if (this.actors.size > MAX_REPLAYED_ACTORS) {
      const oldest = this.actors.keys().next().value;
      if (oldest !== undefined) this.actors.delete(oldest);
    }
  }

  messages(): string[] {
    const all = [...this.actors.values()];
    return [...all.flatMap((e) => (e.actor === undefined ? [] : [e.actor])), ...all.flatMap((e) => (e.snapshot === undefined ? [] : [e.snapshot]))];
  }
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The bridge page, after `getBridgeHTML` in `@statelyai/inspect/server` (MIT): it waits for the
 * embedded UI's `@statelyai.connected` message, then forwards every socket message into the iframe.
 * The socket URL is derived from the page's own location, so it is right whatever port was picked.
 */
function bridgePage(uiUrl: string): string {
  return `<!DOCTYPE html>
<html>
<head>
  <meta charset="utf-8">
  <title>desk — Stately Inspector</title>
  <style>* { margin: 0; padding: 0; } html, body { height: 100%; } iframe { width: 100%; height: 100%; border: none; }</style>
</head>
<body>
  <iframe id="inspector" src="${escapeHtml(uiUrl)}"></iframe>
  <script>
    const iframe = document.getElementById('inspector');
    const buffer = [];
    let connected = false;
    window.addEventListener('message', (e) => {
      if (e.data && e.data.type === '@statelyai.connected') {
        connected = true;
        for (const event of buffer) iframe.contentWindow.postMessage(event, '*');
        buffer.length = 0;
      }
    });
    const ws = new WebSocket('ws://' + location.host);
    ws.onmessage = (event) => {
      const data = JSON.parse(event.data);
      if (connected) iframe.contentWindow.postMessage(data, '*');
      else buffer.push(data);
    };
  </script>
</body>
</html>
`;
}

function handlePage(req: IncomingMessage, res: ServerResponse, page: string): void {
  const path = (req.url ?? '/').split('?')[0];
  const [status, type, body] =
    path !== '/' ? [404, 'text/plain; charset=utf-8', 'not found\n']
    : req.method !== 'GET' ? [405, 'text/plain; charset=utf-8', 'method not allowed\n']
    : [200, 'text/html; charset=utf-8', page];
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Browsers must come from the bridge page (by any loopback name); other clients send no Origin. */
function originAllowed(origin: string | undefined, host: string, port: number): boolean {
  if (origin === undefined) return true;
  const names = new Set([host, '127.0.0.1', 'localhost', '[::1]']);
  return [...names].some((name) => origin === `http://${name}:${port}`);
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(new Error(`inspector: port ${port} on ${host} is already in use`, { cause: err }));
      else reject(new Error(`inspector: cannot listen on ${host}:${port}: ${err.message}`, { cause: err }));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
  return (server.address() as AddressInfo).port;
}

function instructionsFor(pageUrl: string, url: string, uiUrl: string): string {
  return [
    `Stately inspector: open ${pageUrl} in a browser.`,
    `  The page loads the inspector UI from ${uiUrl} (that needs internet) and feeds it live events from ${url};`,
    `  the events themselves travel only over that local socket. Any WebSocket client can read ${url} too.`,
  ].join('\n');
}

/** Starts the local inspector endpoint; `inspect` is live as soon as this resolves. */
export async function startInspector(opts: InspectorOptions = {}): Promise<DeskInspector> {
  const host = opts.host ?? '127.0.0.1';
  const uiUrl = opts.uiUrl ?? DEFAULT_INSPECTOR_UI;
  const page = bridgePage(uiUrl);
  const server = createServer((req, res) => handlePage(req, res, page));
  const port = await listen(server, opts.port ?? 0, host);
  const wss = new WebSocketServer({
    server,
    maxPayload: 4096, // clients have nothing to say; inbound messages are ignored
    // `ws` types `origin` as string, but it is undefined when the client sent no Origin header.
    verifyClient: (info: { origin: string | undefined }) => originAllowed(info.origin, host, port),
  });
  const replay = new ReplayState();
  let stopped = false;

  wss.on('connection', (client) => {
    for (const message of replay.messages()) client.send(message);
  });
  const inspector = createInspector(
    {
      send(ev: StatelyInspectionEvent): void {
        if (stopped) return; // the library delivers on a timer, possibly after stop()
        const message = stringify(ev);
        replay.record(ev, message);
        for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(message);
      },
    },
    { autoStart: false },
  );

  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `ws://${urlHost}:${port}`;
  const pageUrl = `http://${urlHost}:${port}/`;
  return {
    inspect: (ev) => {
      if (!stopped) inspector.inspect.next?.(ev);
    },
    url,
    pageUrl,
    instructions: instructionsFor(pageUrl, url, uiUrl),
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
