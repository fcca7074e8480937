/**
 * No credential reaches anything desk writes. A fake API key and secret, unique to the run, are
 * given to every process through the environment (never flags): the venue simulator
 * (`desk venue-sim --log-level debug`, DESK_SIM_API_KEY/SECRET), a short live desk trading on it
 * (`desk up` on a copy of config/examples/desk.venue-sim.yaml, DESK_VENUE_API_KEY/SECRET, spans
 * exported to a local OTLP receiver), a one-shot `desk recon`, and — for the error paths — a
 * `desk recon` and a `desk up` whose secret the venue refuses. Then every file under the run's
 * directories (desk.log, events, summary, recon report), every process's stdout and stderr, and
 * every exported span body (and its headers) are searched for the key, the secret and the
 * secret's first 12 characters. The run must also have done something: events written, the desk
 * started and reached the venue's signed endpoints, spans received, a recon report written.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Received, startReceiver } from '../../otel/otlp-receiver.fixtures.ts';
import { type Running, ROOT, deskChild, exitWithin, readEvents, type Envelope, venueSimChild } from '../e2e/desk-up.helpers.ts';

const KEY = `FAKEKEY-9f3a1c${randomBytes(16).toString('hex')}`; // 46 chars
const SECRET = `FAKESECRET-${randomBytes(24).toString('hex')}`; // 59 chars
/** A second secret the venue refuses (the error paths), searched for as well. */
const WRONG_SECRET = `FAKEWRONGSECRET-${randomBytes(24).toString('hex')}`;
const NEEDLES: Readonly<Record<string, string>> = {
  key: KEY,
  secret: SECRET,
  'secret[0..12]': SECRET.slice(0, 12),
  'wrong secret': WRONG_SECRET,
  'wrong secret[0..12]': WRONG_SECRET.slice(0, 12),
};
const CAPTURE = 'data/binance-spot-20240808/btcusdt_20240808.gz';

let tmp = '';
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let sim: Running | undefined;
/** Every process's output, by name. */
const outputs: { name: string; stdout: string; stderr: string; code: number | null }[] = [];
let events: Envelope[] = [];
let spanBodies: Received[] = [];
let simUrl = '';

/** Every file under `dir`, recursively (absolute paths). */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** The needles found in `text` (by name). */
const leaks = (text: string): string[] => Object.entries(NEEDLES).filter(([, v]) => text.includes(v)).map(([k]) => k);

async function run(name: string, args: readonly string[], env: NodeJS.ProcessEnv, ms: number): Promise<(typeof outputs)[number]> {
  const r = await exitWithin(deskChild(args, env), ms);
  const o = { name, stdout: r.stdout, stderr: r.stderr, code: r.code };
  outputs.push(o);
  return o;
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'desk-secrets-scan-'));
  receiver = await startReceiver();
  ({ sim, url: simUrl } = await venueSimChild(['--data', CAPTURE, '--balances', 'USDT=10000,BTC=0.1', '--maker-fee', '0', '--taker-fee', '0.0004', '--log-level', 'debug'], { DESK_SIM_API_KEY: KEY, DESK_SIM_API_SECRET: SECRET }));

  const example = await readFile(join(ROOT, 'config/examples/desk.venue-sim.yaml'), 'utf8');
  expect(example).toContain('url: http://127.0.0.1:18080');
  const config = join(tmp, 'desk.venue-sim.yaml');
  // The simulator's URL; and a 1-bar ATR / 2-bar EMA on 1 s bars, so that the bot quotes (places
  // orders through ccxt with the key) a few seconds into the run instead of after ~15 s of warm-up.
  expect(example).toMatch(/^ {6}ema_period: 10$/m);
  expect(example).toMatch(/^ {6}atr_period: 5$/m);
  await writeFile(config, example.replaceAll('http://127.0.0.1:18080', simUrl).replace(/^ {6}ema_period: 10$/m, '      ema_period: 2').replace(/^ {6}atr_period: 5$/m, '      atr_period: 1'));
  const venueEnv = { DESK_VENUE_API_KEY: KEY, DESK_VENUE_API_SECRET: SECRET };
  const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
  const varDir = join(tmp, 'var');
  const reportDir = join(tmp, 'report');
  await mkdir(reportDir, { recursive: true });

  // The live desk (first: the replay's opening minutes are the ones the short warm-up is tuned
  // on), then a reconciliation of the account it traded.
  // 25 s: the bot quotes ~4 s in on an idle machine, later when the tests run two at a time.
  await run('up', ['up', '--config', config, '--duration', '25', '--var', varDir, '--no-view'], { ...venueEnv, ...otel }, 60_000);
  await run('recon', ['recon', '--once', '--venue', 'binance', '--url', simUrl, '--symbol', 'BTC/USDT', '--out', reportDir], venueEnv, 20_000);
  // Then the error paths: a refused signature through recon and through desk up.
  await run('recon (refused secret)', ['recon', '--once', '--venue', 'binance', '--url', simUrl, '--symbol', 'BTC/USDT', '--out', join(tmp, 'report-refused')], { DESK_VENUE_API_KEY: KEY, DESK_VENUE_API_SECRET: WRONG_SECRET }, 20_000);
  await run('up (refused secret)', ['up', '--config', config, '--duration', '3', '--var', join(tmp, 'var-refused'), '--no-view'], { DESK_VENUE_API_KEY: KEY, DESK_VENUE_API_SECRET: WRONG_SECRET, ...otel }, 20_000);

  const s = sim as Running;
  s.child.kill('SIGTERM');
  const simExit = await exitWithin(s, 10_000);
  outputs.push({ name: 'venue-sim', stdout: simExit.stdout, stderr: simExit.stderr, code: simExit.code });
  events = await readEvents(join(varDir, 'events'));
  spanBodies = receiver.received;
}, 150_000);

afterAll(async () => {
  if (sim !== undefined && sim.child.exitCode === null && sim.child.signalCode === null) sim.child.kill('SIGKILL');
  await receiver?.close();
  // KEEP_SCAN=1 keeps the run's directory for inspection.
  if (tmp !== '' && process.env['KEEP_SCAN'] === undefined) await rm(tmp, { recursive: true, force: true });
});

const out = (name: string): (typeof outputs)[number] => {
  const o = outputs.find((x) => x.name === name);
  if (o === undefined) throw new Error(`no output of ${name}`);
  return o;
};

describe('secrets scan: a fake key and secret given to venue-sim, desk up and recon appear nowhere desk writes', () => {
  it('the run did something: the desk traded on the simulator, spans were exported, recon reported', async () => {
    expect(out('venue-sim').code).toBe(143);
    const up = out('up');
    expect(up.code, up.stderr).toBe(0);
    const types = new Set(events.map((e) => e.type));
    expect(types.has('desk.started'), [...types].join(', ')).toBe(true);
    expect(events.length).toBeGreaterThan(5);
    // The desk reached the signed endpoints with the fake key (the simulator logs every request at debug).
    const simLog = out('venue-sim').stderr;
    expect(simLog).toMatch(/"path":"\/api\/v3\/account[^"]*","status":200/);
    expect(spanBodies.filter((r) => r.url === '/v1/traces').length).toBeGreaterThan(0);
    const recon = out('recon');
    expect([0, 1], recon.stderr).toContain(recon.code);
    expect(recon.stdout).toMatch(/^report\s+\S+latest\.json$/m);
    // The refused secret was refused, and said so.
    expect(out('recon (refused secret)').code).toBe(1);
    expect(out('recon (refused secret)').stderr).toMatch(/credentials refused|Signature/i);
    expect(out('up (refused secret)').code).not.toBe(0);
    const placed = events.filter((e) => e.type === 'order.created').length;
    expect(placed, [...types].join(', ')).toBeGreaterThan(0);
    expect(simLog).toMatch(/"method":"POST","path":"\/api\/v3\/order[^"]*","status":200/);
  });

  it('no file under the run directories holds the key, the secret or its first 12 characters', async () => {
    const files = await filesUnder(tmp);
    expect(files.some((f) => f.endsWith('desk.log'))).toBe(true);
    expect(files.some((f) => /events-\d{4}-\d{2}-\d{2}\.jsonl$/.test(f))).toBe(true);
    expect(files.some((f) => f.endsWith('summary.json'))).toBe(true);
    expect(files.some((f) => f.endsWith(join('reports', 'reconciliation', 'latest.json')))).toBe(true);
    const found: string[] = [];
    for (const f of files) for (const l of leaks(await readFile(f, 'latin1'))) found.push(`${f.slice(tmp.length)}: ${l}`);
    expect(found).toEqual([]);
  });

  it('no process printed them (stdout, stderr of venue-sim, desk up, recon)', () => {
    expect(outputs.map((o) => o.name).sort()).toEqual(['recon', 'recon (refused secret)', 'up', 'up (refused secret)', 'venue-sim']);
    const found = outputs.flatMap((o) => [...leaks(o.stdout).map((l) => `${o.name} stdout: ${l}`), ...leaks(o.stderr).map((l) => `${o.name} stderr: ${l}`)]);
    expect(found).toEqual([]);
  });

  it('no exported span (body or headers) carries them', () => {
    const found = spanBodies.flatMap((r, i) => [...leaks(r.body), ...leaks(JSON.stringify(r.headers))].map((l) => `OTLP request ${i}: ${l}`));
    expect(found).toEqual([]);
  });
});
