#!/usr/bin/env node
// Entry point of the `desk` CLI. It runs the TypeScript sources through tsx's loader so an
// installed checkout never runs a stale build (`npm run build` still emits dist/ for packaging).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../supervisor/cli/main.ts');
process.exitCode = await main(process.argv);
