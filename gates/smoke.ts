/**
 * The paper smoke: the config's desk on the paper engine at full speed over the first 10
 * simulated minutes of its replay data (actors/desk.ts `Desk`), its summary judged structurally —
 * every bot filled at least once, never placed inside the book, and left no order open. Paper
 * smoke is structure, not profitability (hardening plan, Day 6 / "paper smoke ≠ live
 * profitability gate").
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Desk } from '../actors/desk.ts';
import type { DeskSummary } from '../actors/desk-view.ts';
import type { DeskConfig } from '../config/schema/desk.ts';
import { silentLogger } from '../otel/logger.ts';

/** 10 simulated minutes (the issue: "fills > 0 within 10 simulated minutes"). */
export const SMOKE_DURATION_S = 600;

export interface SmokeRun {
  readonly summary: DeskSummary;
  readonly summaryFile: string;
  readonly storeDir: string;
}

export interface SmokeVerdict {
  readonly reasons: readonly string[];
  readonly measured: Record<string, string | number>;
}

export type RunSmoke = (config: DeskConfig, configName: string, varDir: string, durationS: number) => Promise<SmokeRun>;

/** Runs the smoke under `varDir` (events in `<varDir>/events`, summary in `<varDir>/summary.json`). */
export async function runPaperSmoke(config: DeskConfig, configName: string, varDir: string, durationS = SMOKE_DURATION_S): Promise<SmokeRun> {
  const summary = await new Desk({ config, configName, speed: 'max', durationS, varDir, logger: silentLogger() }).run();
  const summaryFile = join(varDir, 'summary.json');
  await writeFile(summaryFile, `${JSON.stringify(summary, null, 2)}\n`, 'utf8');
  return { summary, summaryFile, storeDir: join(varDir, 'events') };
}

/** Why the smoke fails (empty when it passes), and its figures per bot. */
export function judgeSmoke(s: DeskSummary, durationS = SMOKE_DURATION_S): SmokeVerdict {
  const reasons: string[] = [];
  const measured: Record<string, string | number> = {
    simulatedSeconds: Math.round((Date.parse(s.dataEnd) - Date.parse(s.dataStart)) / 1000),
    endedBy: s.endedBy,
    bots: s.bots.length,
  };
  if (s.bots.length === 0) reasons.push('the desk ran no bot');
  for (const b of s.bots) {
    measured[`${b.botId}.fills`] = b.fills;
    measured[`${b.botId}.ordersPlaced`] = b.ordersPlaced;
    measured[`${b.botId}.insideBookPlacements`] = b.insideBookPlacements;
    measured[`${b.botId}.openOrdersAtEnd`] = b.openOrdersAtEnd;
    if (b.fills === 0) reasons.push(`bot ${b.botId} (${b.variant}): 0 fills within ${durationS / 60} simulated minutes (${b.ordersPlaced} orders placed)`);
    if (b.insideBookPlacements > 0) reasons.push(`bot ${b.botId}: ${b.insideBookPlacements} order(s) placed at or through the opposite best`);
    if (b.openOrdersAtEnd > 0) reasons.push(`bot ${b.botId}: ${b.openOrdersAtEnd} order(s) left open at the end`);
    if (b.finalState !== 'Stopped') reasons.push(`bot ${b.botId}: ended in ${b.finalState}, not Stopped`);
  }
  if (s.endedBy !== 'duration' && s.endedBy !== 'end_of_data') reasons.push(`the run ended by ${s.endedBy}`);
  return { reasons, measured };
}
