/**
 * One data load per file set for a whole suite: several windows cut from the same file, each run
 * twice, would otherwise parse it again every time (most of a short window's run time). The full
 * files are loaded once (`loadMarketData` without a window) and each request gets a windowed view.
 *
 * The view equals what `loadMarketData` returns for the windowed request: the data-quality
 * findings and the content hash are the whole files' either way (the loader finds them before
 * windowing), the events are `windowEvents` of the same series, and an empty window is the same
 * `empty_window` error.
 */
import { DataError } from '../backtest/data/errors.ts';
import { loadMarketData } from '../backtest/data/load.ts';
import { windowEvents } from '../backtest/data/window.ts';
import type { DataRequest, MarketData, MarketEvent } from '../backtest/types.ts';

const iso = (ts: number | undefined): string => (ts === undefined ? '…' : new Date(ts).toISOString());

function windowed(all: MarketData, req: DataRequest): MarketData {
  if (req.start === undefined && req.end === undefined) return all;
  const every = [...all.events()];
  const events: readonly MarketEvent[] = Object.freeze([...windowEvents(every, req.start, req.end)]);
  if (events.length === 0) {
    const span = `${iso(every[0]?.ts)} – ${iso(every[every.length - 1]?.ts)}`;
    throw new DataError([{ severity: 'error', code: 'empty_window', file: all.meta.files.join(', '), message: `no events in the window [${iso(req.start)}, ${iso(req.end)}) (the data spans ${span})` }]);
  }
  const meta = { ...all.meta, start: events[0]?.ts ?? null, end: events[events.length - 1]?.ts ?? null, events: events.length };
  return { meta, events: () => events };
}

/** A `loadData` for `runBacktest` that loads each file set once and windows it per request. */
export function cachedDataLoader(): (req: DataRequest) => Promise<MarketData> {
  const loads = new Map<string, Promise<MarketData>>();
  return async (req) => {
    const key = JSON.stringify([req.files, req.format]);
    let all = loads.get(key);
    if (all === undefined) {
      all = loadMarketData({ files: req.files, format: req.format });
      loads.set(key, all);
    }
    return windowed(await all, req);
  };
}
