/**
 * `reports/paper_soak/latest.json`: the 7 KPIs of every bot (or one) over the last window of
 * each bot's event time, judged by versioned thresholds. Pure: events in, report out.
 */
import type { StoredEvent } from './events.ts';
import { botEventsOf } from './events.ts';
import { type Finding, statusOf } from './findings.ts';
import { type BotSoakResult, soakKpis } from './soak-kpis.ts';
import { PAPER_SOAK_THRESHOLDS_V1, type PaperSoakThresholds } from './soak-thresholds.ts';
import { type WindowSpec, formatDuration, lastWindow } from './window.ts';

export const PAPER_SOAK_REPORT_SCHEMA = 'desk.paper_soak_report/v1';

export const WARMUP_DEFINITION =
  'from each bot.started/bot.restarted (or the first event, when the data begins warming up) until the first order.created or the first state.snapshot whose state is not Starting/WarmingUp';

export interface SoakInput {
  /** Where the events came from (shown in the report). */
  readonly source: string;
  readonly events: readonly StoredEvent[];
  readonly window: WindowSpec;
  readonly windowText: string;
  readonly bot?: string;
  /** Cancel budget per bot from a config file; bots not in it use the thresholds' default. */
  readonly cancelBudgets?: ReadonlyMap<string, number>;
  readonly cancelBudgetSource?: string;
  /** Data-quality findings of the reader (malformed lines, duplicates). */
  readonly readFindings?: readonly Finding[];
  readonly thresholds?: PaperSoakThresholds;
}

export interface SoakReport {
  readonly schema: typeof PAPER_SOAK_REPORT_SCHEMA;
  readonly status: 'PASS' | 'FAIL' | 'INVALID';
  readonly thresholdsVersion: string;
  readonly thresholds: Readonly<Record<string, string | number>>;
  readonly source: string;
  readonly window: string;
  readonly warmup: string;
  readonly bots: readonly BotSoakResult[];
  readonly findings: readonly Finding[];
}

function thresholdsJson(th: PaperSoakThresholds): Record<string, string | number> {
  return Object.fromEntries(Object.entries(th).map(([k, v]) => [k, typeof v === 'number' || typeof v === 'string' ? v : String(v)]));
}

/** Builds the paper-soak report (see docs/validation.md for the schema). */
export function paperSoakReport(input: SoakInput): SoakReport {
  const th = input.thresholds ?? PAPER_SOAK_THRESHOLDS_V1;
  const findings: Finding[] = [...(input.readFindings ?? [])];
  const bots = botEventsOf(input.events);
  const results: BotSoakResult[] = [];
  if (input.events.length === 0) findings.push({ code: 'no_events', severity: 'invalid', message: `no events in ${input.source}` });
  else if (bots.size === 0) findings.push({ code: 'no_bots', severity: 'invalid', message: `no bot events in ${input.source} (only desk events)` });
  const chosen = input.bot === undefined ? [...bots.keys()] : [input.bot];
  if (input.bot !== undefined && !bots.has(input.bot) && bots.size > 0) {
    findings.push({ code: 'unknown_bot', severity: 'invalid', botId: input.bot, message: `bot ${input.bot} has no events in ${input.source} (bots: ${[...bots.keys()].join(', ')})` });
  }
  for (const id of chosen) {
    const bot = bots.get(id);
    if (bot === undefined) continue;
    for (const u of bot.unreadable) findings.push({ code: 'unreadable_event', severity: 'warning', botId: id, message: `${u.type} ${u.eventId}: ${u.reason}` });
    const w = lastWindow(bot, input.window);
    if (!w.ok) {
      findings.push({
        code: 'window_exceeds_data', severity: 'invalid', botId: id,
        message: `bot ${id} has ${formatDuration(w.dataMs)} of events; the window is ${formatDuration(w.requestedMs)} (pass a shorter --window, or --window all)`,
      });
      continue;
    }
    const budget = input.cancelBudgets?.get(id);
    results.push(soakKpis(bot, w.window, {
      cancelBudgetPerMin: budget ?? th.defaultCancelBudgetPerMin,
      cancelBudgetSource: budget === undefined ? `default (${th.version})` : (input.cancelBudgetSource ?? 'config'),
    }, th));
  }
  const anyFail = results.some((r) => r.status === 'FAIL');
  return {
    schema: PAPER_SOAK_REPORT_SCHEMA,
    status: statusOf(findings, anyFail),
    thresholdsVersion: th.version,
    thresholds: thresholdsJson(th),
    source: input.source,
    window: input.windowText,
    warmup: WARMUP_DEFINITION,
    bots: results,
    findings,
  };
}
