/**
 * `--update-baselines`: rewrites the suite's baseline `expected` values from the current run —
 * a deliberate act (review the diff of the suite file before committing it). Tolerances are
 * kept; a window without a baseline gets `DEFAULT_METRICS` with `DEFAULT_TOLERANCE`. The rest
 * of the file (comments, order, formatting) is kept through yaml's document API.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { isMap, parseDocument } from 'yaml';
import { COUNT_METRICS, DEFAULT_METRICS, DEFAULT_TOLERANCE, type MetricName } from './metrics.ts';
import type { Suite } from './suite.ts';
import type { WindowResult } from './run-window.ts';

export interface BaselineChange {
  readonly window: string;
  readonly metric: MetricName;
  readonly from: string | null;
  readonly to: string;
}

const valueOf = (name: MetricName, v: string): string | number => (COUNT_METRICS.has(name) ? Number(v) : v);

/** Rewrites `path` (the suite `suite` was read from) with `results`' observed metrics; returns what changed. */
export async function updateBaselines(path: string, suite: Suite, results: readonly WindowResult[]): Promise<BaselineChange[]> {
  const doc = parseDocument(await readFile(path, 'utf8'));
  const changes: BaselineChange[] = [];
  suite.windows.forEach((w, i) => {
    const r = results.find((x) => x.id === w.id);
    if (r === undefined) return;
    const at = ['windows', i, 'baseline'];
    if (w.baseline.length === 0 || !isMap(doc.getIn(at))) {
      const fresh: Record<string, unknown> = {};
      for (const m of DEFAULT_METRICS) {
        fresh[m] = { expected: valueOf(m, r.observed[m]), ...DEFAULT_TOLERANCE[m] };
        changes.push({ window: w.id, metric: m, from: null, to: r.observed[m] });
      }
      const node = doc.createNode(fresh);
      // One line per metric: `net_pnl: { expected: "1.2", abs: "0.5", rel: "0.05" }`.
      for (const item of node.items) if (isMap(item.value)) item.value.flow = true;
      doc.setIn(at, node);
      return;
    }
    for (const { name, entry } of w.baseline) {
      const to = r.observed[name];
      if (entry.expected.eq(to)) continue;
      doc.setIn([...at, name, 'expected'], valueOf(name, to));
      changes.push({ window: w.id, metric: name, from: entry.expected.toFixed(), to });
    }
  });
  if (changes.length > 0) await writeFile(path, doc.toString({ lineWidth: 100, flowCollectionPadding: true }), 'utf8');
  return changes;
}
