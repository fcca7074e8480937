/**
 * `desk analyze`: fill-factor calibration, the edge report and the post-trade validator of
 * every bot (or one), from its events. Pure: events and configured values in, report out.
 */
import type { StoredEvent } from './events.ts';
import { botEventsOf } from './events.ts';
import { type EdgeReport, edgeReport } from './edge-report.ts';
import { fillMarks } from './fill-marks.ts';
import { type FillFactorCalibration, calibrateFillFactor } from './fill-factor.ts';
import { type Finding } from './findings.ts';
import { type ConfiguredEdge, POST_TRADE_THRESHOLDS_V1, type PostTradeResult, type PostTradeThresholds, type Severity, postTradeValidate } from './post-trade.ts';

export const ANALYSIS_REPORT_SCHEMA = 'desk.analysis_report/v1';
/** The origin plan's Day 66 measures adverse selection 30 s after each fill. */
export const DEFAULT_DRIFT_HORIZON_MS = 30_000;

export interface CalibrationJson extends Omit<FillFactorCalibration, 'realizedFillFactor' | 'meanQuotedFraction' | 'meanCapturedFraction'> {
  readonly realizedFillFactor: string | null;
  readonly configuredFillFactor: string;
  readonly meanQuotedFraction: string | null;
  readonly meanCapturedFraction: string | null;
}

export interface BotAnalysis {
  readonly botId: string;
  readonly symbol: string | null;
  readonly fillFactor: CalibrationJson;
  readonly edge: EdgeReport;
  readonly postTrade: PostTradeResult;
}

export interface AnalysisReport {
  readonly schema: typeof ANALYSIS_REPORT_SCHEMA;
  /** The worst post-trade severity over the bots; INVALID on bad input. */
  readonly status: Severity | 'INVALID';
  readonly thresholdsVersion: string;
  readonly source: string;
  readonly driftHorizonMs: number;
  readonly midSource: string;
  readonly bots: readonly BotAnalysis[];
  readonly findings: readonly Finding[];
}

export interface AnalysisInput {
  readonly source: string;
  readonly events: readonly StoredEvent[];
  readonly bot?: string;
  readonly horizonMs?: number;
  /** Configured edge inputs of a bot (from its config, else the strategy defaults). */
  readonly configured: (botId: string) => ConfiguredEdge;
  readonly readFindings?: readonly Finding[];
  readonly thresholds?: PostTradeThresholds;
}

const RANK: Readonly<Record<Severity, number>> = { OK: 0, WARNING: 1, UNMEASURABLE: 2, CRITICAL: 3 };
const s = (d: { toDecimalPlaces(n: number): { toString(): string } } | null): string | null => (d === null ? null : d.toDecimalPlaces(8).toString());

/** Builds the analysis report (see docs/validation.md). */
export function analysisReport(input: AnalysisInput): AnalysisReport {
  const th = input.thresholds ?? POST_TRADE_THRESHOLDS_V1;
  const horizonMs = input.horizonMs ?? DEFAULT_DRIFT_HORIZON_MS;
  const findings: Finding[] = [...(input.readFindings ?? [])];
  const bots = botEventsOf(input.events);
  if (input.events.length === 0) findings.push({ code: 'no_events', severity: 'invalid', message: `no events in ${input.source}` });
  else if (bots.size === 0) findings.push({ code: 'no_bots', severity: 'invalid', message: `no bot events in ${input.source}` });
  if (input.bot !== undefined && bots.size > 0 && !bots.has(input.bot)) findings.push({ code: 'unknown_bot', severity: 'invalid', botId: input.bot, message: `bot ${input.bot} has no events in ${input.source} (bots: ${[...bots.keys()].join(', ')})` });
  const out: BotAnalysis[] = [];
  for (const bot of bots.values()) {
    if (input.bot !== undefined && bot.botId !== input.bot) continue;
    const marks = fillMarks(bot, horizonMs);
    const cal = calibrateFillFactor(marks);
    const edge = edgeReport(marks, horizonMs);
    const configured = input.configured(bot.botId);
    if (edge.total.feesUnconverted > 0) findings.push({ code: 'fee_asset_unknown', severity: 'warning', botId: bot.botId, message: `${edge.total.feesUnconverted} fill(s) pay fees in an asset that is neither ${bot.symbol ?? 'the symbol'}'s base nor quote; left out of the sums` });
    if (bot.snapshots.some((x) => x.perp)) findings.push({ code: 'no_mid_perp', severity: 'warning', botId: bot.botId, message: 'perp snapshots carry no mid (margin accounting): mids, capture and drift are not measurable from these events' });
    out.push({
      botId: bot.botId,
      symbol: bot.symbol,
      fillFactor: { ...cal, realizedFillFactor: s(cal.realizedFillFactor), configuredFillFactor: configured.fillFactor.toString(), meanQuotedFraction: s(cal.meanQuotedFraction), meanCapturedFraction: s(cal.meanCapturedFraction) },
      edge,
      postTrade: postTradeValidate(cal, edge.total, configured, th),
    });
  }
  const worst = out.reduce<Severity>((w, b) => (RANK[b.postTrade.severity] > RANK[w] ? b.postTrade.severity : w), 'OK');
  return {
    schema: ANALYSIS_REPORT_SCHEMA,
    status: findings.some((f) => f.severity === 'invalid') ? 'INVALID' : worst,
    thresholdsVersion: th.version,
    source: input.source,
    driftHorizonMs: horizonMs,
    midSource: 'state.snapshot: mid = (equity − quote) / base (spot), linearly interpolated between snapshots at most 150 s apart',
    bots: out,
    findings,
  };
}
