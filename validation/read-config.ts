/**
 * The configured values the validators compare against, from a desk config file (`--config`):
 * each bot's cancel budget and edge-model inputs. Without a file, the strategy defaults
 * (domain/strategy/epp/config.ts `EPP_DEFAULTS`) are used and the report says so.
 */
import { loadConfigFile } from '../config/load.ts';
import { EPP_DEFAULTS } from '../domain/strategy/epp/config.ts';
import { EventSourceError } from './errors.ts';
import type { ConfiguredEdge } from './post-trade.ts';

export interface ConfiguredBots {
  readonly source: string;
  readonly cancelBudgets: ReadonlyMap<string, number>;
  readonly edge: (botId: string) => ConfiguredEdge;
}

const DEFAULT_EDGE: ConfiguredEdge = {
  fillFactor: EPP_DEFAULTS.fillFactor, slippageEstPct: EPP_DEFAULTS.slippageEstPct, adverseDriftEstPct: EPP_DEFAULTS.adverseDriftEstPct, source: 'defaults (strategy-epp)',
};

/** Reads `path` (or the defaults when undefined); throws {@link EventSourceError} on a bad file. */
export async function readConfiguredBots(path: string | undefined): Promise<ConfiguredBots> {
  if (path === undefined) return { source: 'defaults (strategy-epp)', cancelBudgets: new Map(), edge: () => DEFAULT_EDGE };
  const r = await loadConfigFile(path);
  if (!r.ok) throw new EventSourceError(path, `config ${r.stage} error: ${r.violations.slice(0, 5).map((v) => `${v.path}: ${v.message}`).join('; ')}`);
  const source = `config ${path}`;
  const byId = new Map(r.config.bots.map((b) => [b.id, b.strategy]));
  return {
    source,
    cancelBudgets: new Map([...byId].map(([id, s]) => [id, s.cancelBudgetPerMin])),
    edge: (botId) => {
      const s = byId.get(botId);
      return s === undefined ? { ...DEFAULT_EDGE, source: `defaults (bot ${botId} not in ${path})` } : { fillFactor: s.fillFactor, slippageEstPct: s.slippageEstPct, adverseDriftEstPct: s.adverseDriftEstPct, source };
    },
  };
}
