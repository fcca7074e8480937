#!/usr/bin/env node
// Entry point of the `desk` CLI. It runs the TypeScript sources through tsx's loader so an
// installed checkout never runs a stale build (`npm run build` still emits dist/ for packaging).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../supervisor/cli/main.ts');
process.exitCode = await main(process.argv);
// The command is done and the process is winding down; a signal now means "exit at once"
// (with the conventional 128+n code), never the default disposition's abrupt kill.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));
