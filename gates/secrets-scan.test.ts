import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { envSecretNeedles, scanArtifacts, scanFile } from './secrets-scan.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function dirWith(files: Record<string, string>): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'gates-secrets-'));
  dirs.push(d);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(d, name, '..'), { recursive: true });
    await writeFile(join(d, name), text);
  }
  return d;
}

const SECRET = 'FAKESECRET-0123456789abcdef0123456789abcdef';
const BINANCE_STYLE = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';

describe('envSecretNeedles', () => {
  it('takes the known variables, the config-named ones and secret-looking names; skips short and public values', () => {
    const needles = envSecretNeedles({ DESK_VENUE_API_SECRET: SECRET, MY_EXCHANGE_KEY: 'abcdefghijk', OTHER_TOKEN: 'tok-123456789', HOME: '/home/x', DESK_SIM_API_SECRET: 'test-secret', NATS_PASSWORD: 'short' }, ['MY_EXCHANGE_KEY']);
    expect(needles.map((n) => n.name)).toEqual(['$DESK_VENUE_API_SECRET', '$DESK_VENUE_API_SECRET[0..12]', '$MY_EXCHANGE_KEY', '$OTHER_TOKEN']);
    expect(needles[1]?.value).toBe(SECRET.slice(0, 12));
  });
});

describe('scanArtifacts', () => {
  it('finds env values (whole and the 12-character prefix) and secret shapes, naming file and line, never the value', async () => {
    const d = await dirWith({
      'events/events-2024-08-08.jsonl': `{"type":"a"}\n{"type":"b","note":"${SECRET}"}\n`,
      'desk.log': `line\nline\nsigned with ${SECRET.slice(0, 12)}…\n`,
      'reports/key.pem': '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n',
      'reports/cfg.json': '{\n  "apiSecret": "9f8e7d6c5b4a39281706f5e4d3c2b1a0"\n}\n',
      'reports/leak.txt': `x ${BINANCE_STYLE} y\n`,
    });
    const r = await scanArtifacts([d], envSecretNeedles({ DESK_VENUE_API_SECRET: SECRET }));
    const rel = r.findings.map((f) => `${f.file.slice(d.length + 1)}:${f.line} ${f.what}`);
    expect(rel).toEqual([
      'desk.log:3 $DESK_VENUE_API_SECRET[0..12]',
      'events/events-2024-08-08.jsonl:2 $DESK_VENUE_API_SECRET',
      'events/events-2024-08-08.jsonl:2 $DESK_VENUE_API_SECRET[0..12]',
      'reports/cfg.json:2 credential field with a value',
      'reports/key.pem:1 private key (PEM)',
      'reports/leak.txt:1 exchange-style API key (64 mixed-case alphanumerics)',
    ]);
    expect(JSON.stringify(r.findings)).not.toContain(SECRET.slice(0, 12));
    expect(r.files).toBe(5);
  });

  it('no false positives on what the desk writes: sha256 digests, env var names, redactions, ids', async () => {
    const d = await dirWith({
      'summary.json': JSON.stringify({ configHash: 'a'.repeat(20) + '0123456789abcdef'.repeat(2) + 'b'.repeat(12), dataHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }),
      'config.yaml': 'execution:\n  api_secret_env: DESK_VENUE_API_SECRET\n  secret: DESK_VENUE_API_SECRET\n',
      'desk.log': '{"secret":"[Redacted]","password":"***********","token":"<redacted>"}\n',
      'events.jsonl': '{"eventId":"01J5ABCDEF0123456789XYZ","clientOrderId":"btc-paper-lzk3m2-17"}\n',
    });
    const r = await scanArtifacts([d], envSecretNeedles({}));
    expect(r.findings).toEqual([]);
  });

  it('sees a needle split across read chunks, with the right line', async () => {
    const filler = `${'x'.repeat(99)}\n`.repeat(10_486); // ~1 MiB + a bit: the needle straddles the first chunk's end
    const d = await dirWith({ 'big.log': `${filler.slice(0, (1 << 20) - 10)}${SECRET}\n` });
    const r = await scanFile(join(d, 'big.log'), envSecretNeedles({ DESK_VENUE_API_SECRET: SECRET }));
    const lines = filler.slice(0, (1 << 20) - 10).split('\n').length;
    expect(r.findings.map((f) => [f.what, f.line])).toEqual([['$DESK_VENUE_API_SECRET', lines], ['$DESK_VENUE_API_SECRET[0..12]', lines]]);
  });
});
