/**
 * End to end through the installed entry point: `node bin/desk.js events verify …` in a child
 * process, on stores written to a temp dir (a clean one by the real writer, broken ones by hand).
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJsonlWriter } from '../../adapters/store/index.ts';
import { createEnvelopeFactory, type EventEnvelope } from '../../domain/events/index.ts';
import { eventId } from '../../domain/ids.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const T0 = Date.UTC(2026, 0, 1, 23, 59, 59, 990);
const FILE = 'events-2026-01-01.jsonl';

function desk(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/desk.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir = '';
const at = (name: string): string => join(dir, name);
const events: EventEnvelope[] = [];
const jsonl = (es: readonly unknown[]): string => es.map((e) => `${JSON.stringify(e)}\n`).join('');

async function store(name: string, content: string): Promise<string> {
  await mkdir(at(name));
  await writeFile(join(at(name), FILE), content);
  return at(name);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'desk-e2e-events-'));
  const f = createEnvelopeFactory();
  for (let i = 0; i < 6; i++) {
    events.push(f.stamp(i % 3 === 0 ? 'risk' : 'bot-a', { eventId: eventId(`e${i}`), ts: T0 + i * 5, type: i % 2 === 0 ? 'order.new' : 'order.filled', payload: { i }, correlationId: `c${i}` }));
  }
  const w = createJsonlWriter({ dir: at('clean'), flushEvery: 2 });
  for (const e of events) w.append(e);
  await w.close();
  await store('gap', jsonl(events.filter((_, i) => i !== 2)));
  await store('dup', jsonl([...events, events[4]]));
  await store('violation', jsonl([...events.slice(0, 3), { ...events[3], seq: -1 }, ...events.slice(4)]));
  await store('torn', `${jsonl(events)}${JSON.stringify(events[0]).slice(0, 30)}`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('desk events verify (e2e)', () => {
  it('a clean store written by the writer (two day files) --json: exit 0', () => {
    const r = desk('events', 'verify', '--json', at('clean'));
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({
      files: [FILE, 'events-2026-01-02.jsonl'], records: 6, validEvents: 6, byType: { 'order.new': 3, 'order.filled': 3 },
      gaps: [], duplicateEventIds: [], duplicateSeqs: [], violations: [], tornLines: [], correlationCoverage: 1, clean: true,
    });
    expect(r.stderr).toBe('');
  });

  it('human output of a clean store', () => {
    const r = desk('events', 'verify', at('clean'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('events     6 valid of 6 records, 2 producer(s)');
    expect(r.stdout).toContain('gaps       0 (0 missing seq)');
    expect(r.stdout).toContain('correlated 100.0%');
    expect(r.stdout).toMatch(/^result {5}clean$/m);
  });

  it('a seq gap: exit 1, the gap named', () => {
    const r = desk('events', 'verify', at('gap'));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('gaps       1 (1 missing seq)');
    expect(r.stdout).toContain('  bot-a: seq 2 missing');
    expect(r.stdout).toMatch(/^result {5}NOT clean$/m);
  });

  it('a duplicate: exit 1, both locations named', () => {
    const r = desk('events', 'verify', at('dup'));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`  eventId e4: ${FILE}:5 and ${FILE}:7`);
    expect(r.stdout).toContain(`  seq bot-a#3: ${FILE}:5 and ${FILE}:7`);
  });

  it('a schema violation: exit 1 with file:line and the field', () => {
    const r = desk('events', 'verify', '--json', at('violation'));
    expect(r.status).toBe(1);
    const j = JSON.parse(r.stdout) as { violations: { file: string; line: number; reason: string }[] };
    expect(j.violations).toHaveLength(1);
    expect(j.violations[0]).toMatchObject({ file: FILE, line: 4, reason: expect.stringMatching(/^seq: /) as unknown });
  });

  it('a torn last line: reported, exit 0', () => {
    const r = desk('events', 'verify', at('torn'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`  ${FILE}:7: torn last line (interrupted write), ignored`);
    expect(r.stdout).toMatch(/^result {5}clean$/m);
  });

  it('a missing directory: exit 2 with a clear message', () => {
    const r = desk('events', 'verify', at('does-not-exist'));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`desk: ${at('does-not-exist')}: no such directory\n`);
  });
});
