#!/usr/bin/env node
// Entry point of the `desk` CLI. It runs the TypeScript sources through tsx's loader so an
// installed checkout never runs a stale build (`npm run build` still emits dist/ for packaging).
import { register } from 'tsx/esm/api';

// A signal with no command-specific handler installed (before a command sets its own, or after it
// has removed it while the process winds down) exits at once with the conventional 128+n code —
// never the default disposition's abrupt kill. While a command handles signals itself (a clean
// stop), this listener stays out of the way.
for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  const fallback = () => {
    if (process.listenerCount(sig) === 1) process.exit(code);
  };
  process.on(sig, fallback);
}

// Output piped into a reader that stops early (`desk status | head -1`): the rest of the output is
// dropped and the command finishes normally with its own exit code — never a crash on the write
// to a closed pipe, and never an abrupt exit that would skip a running desk's clean stop.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
    throw err;
  });
}

register();
const { main } = await import('../supervisor/cli/main.ts');
process.exitCode = await main(process.argv);
