/**
 * A bot's day counters kept in a file (`<dir>/daily-<botId>.json`), for the live desk run by
 * `desk up` (a NATS host keeps them in KV). Restored only on the same UTC day, so a restart never
 * resets a daily loss limit and a new day starts fresh. Writes go to a temp file then rename, so a
 * crash leaves the previous record, never half a file.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DayCountersJson } from '../../domain/strategy/epp/day.ts';

interface DailyRecord {
  readonly day: string;
  readonly savedAt: number;
  readonly state: DayCountersJson;
}

const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const SAFE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export class DailyStateFileError extends Error {
  override readonly name = 'DailyStateFileError';
}

export class FileDailyStateStore {
  constructor(private readonly dir: string) {}

  private file(botId: string): string {
    if (!SAFE_ID.test(botId)) throw new RangeError(`botId: expected a bot id, got ${JSON.stringify(botId)}`);
    return join(this.dir, `daily-${botId}.json`);
  }

  /** The bot's counters saved on the UTC day of `now`; null when none (or an earlier day's). */
  async get(botId: string, now: number): Promise<DayCountersJson | null> {
    const file = this.file(botId);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      throw new DailyStateFileError(`${file}: not JSON (a daily record {day, savedAt, state} was expected); move it aside to start the day fresh`);
    }
    const r = v as Partial<DailyRecord>;
    if (typeof r !== 'object' || r === null || typeof r.day !== 'string' || typeof r.savedAt !== 'number' || typeof r.state !== 'object' || r.state === null || typeof r.state.dayStartMs !== 'number') {
      throw new DailyStateFileError(`${file}: not a daily record {day, savedAt, state: {dayStartMs, …}}; move it aside to start the day fresh`);
    }
    return r.day === utcDay(now) ? r.state : null;
  }

  async put(botId: string, state: DayCountersJson): Promise<void> {
    const file = this.file(botId);
    await mkdir(this.dir, { recursive: true });
    const record: DailyRecord = { day: utcDay(state.dayStartMs), savedAt: Date.now(), state };
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(record)}\n`, 'utf8');
    await rename(tmp, file);
  }
}
