/**
 * Backtest timing (not a test): `npx tsx backtest/benchmark.ts [ohlcv-file] [config]`.
 * Measures, on the FTX 1-minute file by default: the decode floor (loading and validating the
 * data), the harness alone (a strategy that never trades), and the EPP run; bars per second and
 * the ratio to the decode floor. Prints one JSON object. Wall-clock time is read here, and only
 * here: the run itself never sees it.
 */
import { performance } from 'node:perf_hooks';
import { loadConfigFile } from '../config/load.ts';
import { loadMarketData } from './data/load.ts';
import { runEngine } from './engine.ts';
import { ohlcvLimitFills } from './fills/index.ts';
import { lazyPortfolio } from './lazy-portfolio.ts';
import { OHLCV_FILL_PARAMS } from './run.ts';
import { eppStrategy } from './strategies/epp.ts';
import type { StrategyAdapter } from './types.ts';

const file = process.argv[2] ?? 'data/ftx-btcperp-1m-2022/ftx_btc-perp_1m_20211231-20220201.csv';
const configFile = process.argv[3] ?? 'config/examples/backtest.epp.yaml';

const loaded = await loadConfigFile(configFile);
if (!loaded.ok) throw new Error(`${configFile}: invalid config`);
const bot = loaded.config.bots[0];
if (bot === undefined) throw new Error(`${configFile}: no bot`);

let t = performance.now();
const data = await loadMarketData({ files: [file], format: 'auto' });
const decodeMs = performance.now() - t;

const idle: StrategyAdapter<null> = { name: 'idle', init: () => null, onBar: (_v, s) => ({ state: s, intents: [] }) };
function timed(strategy: StrategyAdapter<unknown>): number {
  const start = performance.now();
  runEngine({
    data,
    strategy,
    rules: bot!.instrument,
    fills: ohlcvLimitFills({ rules: bot!.instrument, makerFeePct: bot!.paper.makerFeePct, takerFeePct: bot!.paper.takerFeePct, ...OHLCV_FILL_PARAMS }),
    portfolio: lazyPortfolio({ base: bot!.instrument.base, quote: bot!.instrument.quote, startBase: bot!.account.startBase, startQuote: bot!.account.startQuote }),
    cadence: { kind: 'bar' },
  });
  return performance.now() - start;
}
t = timed(idle as StrategyAdapter<unknown>);
const harnessMs = t;
const eppMs = timed(eppStrategy(bot.strategy) as StrategyAdapter<unknown>);
const bars = data.meta.events;
const perSec = (ms: number): number => Math.round((bars / ms) * 1000);
process.stdout.write(
  `${JSON.stringify({ file, bars, decodeMs: Math.round(decodeMs), decodeBarsPerSec: perSec(decodeMs), harnessMs: Math.round(harnessMs), harnessBarsPerSec: perSec(harnessMs), eppMs: Math.round(eppMs), eppBarsPerSec: perSec(eppMs), eppRunVsDecodeFloor: Number((decodeMs / (decodeMs + eppMs)).toFixed(3)) }, null, 2)}\n`,
);
