/**
 * `npm run bench`: runs every benchmark, prints the figures, and writes them to
 * `bench-results.json` (an array of BenchFigure).
 * Benchmarks are registered in BENCHES; later issues append theirs.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { benchBacktest } from './backtest.bench.ts';
import { benchBook } from './book.bench.ts';
import { benchCcxtRoundTrip } from './ccxt-roundtrip.bench.ts';
import { benchDesk } from './desk.bench.ts';
import { benchDeskHeap } from './desk-heap.bench.ts';
import { benchEpp } from './epp.bench.ts';
import { benchNatsKill } from './nats-kill.bench.ts';
import { benchNatsKillHost } from './nats-kill-host.bench.ts';
import { benchNatsSink } from './nats-sink.bench.ts';
import type { BenchFigure } from './types.ts';

const BENCHES: ReadonlyArray<{ name: string; run: () => Promise<BenchFigure[]> }> = [
  { name: 'book maintenance (BTCUSDT capture)', run: benchBook },
  { name: 'EPP decision step (real data)', run: benchEpp },
  { name: 'whole-desk replay: throughput vs decode floor, tracing on/off', run: benchDesk },
  { name: 'whole-desk heap over 20 replays (child with --expose-gc)', run: benchDeskHeap },
  { name: 'nats kill propagation (10 bots, 3 host processes) + desk pause round trip, vs raw NATS RTT', run: benchNatsKill },
  { name: 'nats kill inside one host (4 bots, no competing process)', run: benchNatsKillHost },
  { name: 'nats JetStream event sink: events/s with acks', run: benchNatsSink },
  { name: 'ccxt order round trip through the venue simulator', run: benchCcxtRoundTrip },
  { name: 'backtest throughput vs decode floor (FTX 1-minute file, BTCUSDT L2 capture)', run: benchBacktest },
];

function fmt(n: number | undefined): string {
  if (n === undefined) return '';
  return Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(4);
}

const machine = `${cpus()[0]?.model ?? 'unknown cpu'} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(`desk benchmarks on ${machine}`);
// `npm run bench -- desk` runs only the benches whose name contains one of the words given.
const only = process.argv.slice(2).map((w) => w.toLowerCase());
const selected = only.length === 0 ? BENCHES : BENCHES.filter((b) => only.some((w) => b.name.toLowerCase().includes(w)));
if (selected.length === 0) {
  process.stderr.write(`bench: no benchmark matches ${only.join(', ')}; names: ${BENCHES.map((b) => b.name).join(' | ')}\n`);
  process.exit(2);
}
const figures: BenchFigure[] = [];
for (const b of selected) {
  process.stderr.write(`running ${b.name}…\n`);
  figures.push(...(await b.run()));
}
console.log('\n| figure | value | unit | p50 | p99 | floor | ratio | target |');
console.log('|---|---|---|---|---|---|---|---|');
for (const f of figures) {
  console.log(`| ${f.name} | ${fmt(f.value)} | ${f.unit} | ${fmt(f.p50)} | ${fmt(f.p99)} | ${fmt(f.floor)} | ${fmt(f.ratio)} | ${f.target ?? ''} |`);
}
// The file is a plain array of figures (the format later issues extend); the machine is printed above.
writeFileSync('bench-results.json', `${JSON.stringify(figures, null, 2)}\n`);
console.log('\nwrote bench-results.json');
