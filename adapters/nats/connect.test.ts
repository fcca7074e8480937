/**
 * connectNats against real servers: the shared one on 127.0.0.1:4222, and private ones started
 * per suite with auth configs (and restarted, for status events). Tests needing NATS fail,
 * never skip, when it is unreachable.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nkeys } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats, NATS_DEFAULT_URL, NatsAuthError, natsAuthFromEnv, NatsConfigError, NatsConnectError } from './connect.ts';
import type { NatsStatusEvent } from './connect.ts';
import { startNatsServer } from './test-server.fixtures.ts';
import type { NatsServerHandle } from './test-server.fixtures.ts';

const PASSWORD = 'pw-s3cret-9f2a';
const TOKEN = 'tok-s3cret-77c1';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'desk-connect-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function secretFile(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content, { mode: 0o600 });
  return path;
}

/** Runs `fn`, expecting it to reject; returns the error. */
async function failure(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('connectNats on the shared server', () => {
  it('connects to 127.0.0.1:4222 as a named connection', async () => {
    const nc = await connectNats({ url: 'nats://127.0.0.1:4222', name: 'desk-connect-test', auth: { kind: 'none' } });
    try {
      expect(nc.getServer()).toContain('4222');
      await nc.flush();
    } finally {
      await nc.close();
    }
  });

  it('defaults the URL to $NATS_URL, then to 127.0.0.1:4222', async () => {
    expect(NATS_DEFAULT_URL).toBe('nats://127.0.0.1:4222');
    for (const env of [{ NATS_URL: 'nats://127.0.0.1:4222' }, {}]) {
      const nc = await connectNats({ name: 'desk-connect-test', env });
      expect(nc.getServer()).toContain('4222');
      await nc.close();
    }
  });

  it('names the URL when the server is unreachable', async () => {
    const server = await startNatsServer();
    const url = server.url;
    await server.dispose(); // a port that was just free and now has nobody listening
    const e = await failure(() => connectNats({ url, name: 'x', auth: { kind: 'none' } }));
    expect(e).toBeInstanceOf(NatsConnectError);
    expect(e.message).toContain(`cannot connect to NATS at ${url}`);
  });

  it('reports every invalid option at once, and never echoes credentials in a URL', async () => {
    const e = await failure(() => connectNats({ name: '', reconnectTimeWaitMs: -1 }));
    expect(e).toBeInstanceOf(NatsConfigError);
    expect((e as NatsConfigError).problems.map((p) => p.split(':')[0])).toEqual(['name', 'reconnectTimeWaitMs']);

    const u = await failure(() => connectNats({ url: 'nats://bob:hunter2@127.0.0.1:4222', name: 'x' }));
    expect(u).toBeInstanceOf(NatsConfigError);
    expect(u.message).toMatch(/credentials in the URL are not accepted/);
    expect(u.message).not.toContain('hunter2');

    const p = await failure(() => connectNats({ url: 'http://127.0.0.1:4222', name: 'x' }));
    expect(p.message).toMatch(/must use nats:\/\/ or tls:\/\//);
  });

  it('refuses an auth with both or neither of a secret and its file', async () => {
    const both = await failure(() =>
      connectNats({ name: 'x', auth: { kind: 'token', token: 'a', tokenFile: '/nope' } }),
    );
    expect(both).toBeInstanceOf(NatsConfigError);
    expect(both.message).toMatch(/exactly one of token and tokenFile/);
    expect(both.message).not.toContain("'a'");
    const neither = await failure(() => connectNats({ name: 'x', auth: { kind: 'user-password', user: 'u' } }));
    expect(neither.message).toMatch(/exactly one of password and passwordFile/);
  });

  it('names an unreadable secret file', async () => {
    const missing = join(dir, 'missing');
    const e = await failure(() => connectNats({ name: 'x', auth: { kind: 'token', tokenFile: missing } }));
    expect(e).toBeInstanceOf(NatsConfigError);
    expect(e.message).toContain(`auth.tokenFile: cannot read ${missing} (ENOENT)`);
  });
});

describe('connectNats with user/password auth', () => {
  let server: NatsServerHandle;
  beforeAll(async () => {
    server = await startNatsServer({ config: `authorization { user: alice, password: "${PASSWORD}" }\n` });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('accepts the right password from a file (a trailing newline is not part of it)', async () => {
    const passwordFile = await secretFile('password', `${PASSWORD}\n`);
    const nc = await connectNats({ url: server.url, name: 'x', auth: { kind: 'user-password', user: 'alice', passwordFile } });
    await nc.flush();
    await nc.close();
  });

  it('accepts the right password from the environment', async () => {
    const nc = await connectNats({ url: server.url, name: 'x', env: { NATS_USER: 'alice', NATS_PASSWORD: PASSWORD } });
    await nc.close();
  });

  it('rejects a wrong password with a clear error that holds no secret', async () => {
    const wrong = 'wrong-pw-1234';
    const e = await failure(() =>
      connectNats({ url: server.url, name: 'x', auth: { kind: 'user-password', user: 'alice', password: wrong } }),
    );
    expect(e).toBeInstanceOf(NatsAuthError);
    expect(e.message).toBe(`NATS authorization failed at ${server.url} (auth: user-password)`);
    expect(`${e.message} ${String((e.cause as Error).message)}`).not.toMatch(new RegExp(`${wrong}|${PASSWORD}`));
  });

  it('rejects a missing auth as an authorization failure too', async () => {
    const e = await failure(() => connectNats({ url: server.url, name: 'x', auth: { kind: 'none' } }));
    expect(e).toBeInstanceOf(NatsAuthError);
  });
});

describe('connectNats with token auth', () => {
  let server: NatsServerHandle;
  beforeAll(async () => {
    server = await startNatsServer({ config: `authorization { token: "${TOKEN}" }\n` });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('accepts the right token from a file or the environment', async () => {
    const tokenFile = await secretFile('token', TOKEN);
    const a = await connectNats({ url: server.url, name: 'x', auth: { kind: 'token', tokenFile } });
    await a.close();
    const b = await connectNats({ url: server.url, name: 'x', env: { NATS_TOKEN: TOKEN } });
    await b.close();
  });

  it('rejects a wrong token', async () => {
    const e = await failure(() => connectNats({ url: server.url, name: 'x', env: { NATS_TOKEN: 'nope' } }));
    expect(e).toBeInstanceOf(NatsAuthError);
    expect(e.message).toMatch(/authorization failed/);
    expect(e.message).not.toContain('nope');
  });
});

describe('connectNats with nkey auth', () => {
  const user = nkeys.createUser();
  const seed = new TextDecoder().decode(user.getSeed());
  let server: NatsServerHandle;
  beforeAll(async () => {
    server = await startNatsServer({ config: `authorization { users: [ { nkey: "${user.getPublicKey()}" } ] }\n` });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('signs the nonce with a seed from a file or the environment', async () => {
    const seedFile = await secretFile('seed', `${seed}\n`);
    const a = await connectNats({ url: server.url, name: 'x', auth: { kind: 'nkey', seedFile } });
    await a.close();
    const b = await connectNats({ url: server.url, name: 'x', env: { NATS_NKEY_SEED: seed } });
    await b.close();
  });

  it('rejects another key as an authorization failure', async () => {
    const other = new TextDecoder().decode(nkeys.createUser().getSeed());
    const e = await failure(() => connectNats({ url: server.url, name: 'x', auth: { kind: 'nkey', seed: other } }));
    expect(e).toBeInstanceOf(NatsAuthError);
    expect(e.message).not.toContain(other);
  });
});

describe('connectNats status events', () => {
  it('reports disconnect and reconnect across a server restart, then closed', async () => {
    const server = await startNatsServer({ jetstream: true });
    const events: NatsStatusEvent[] = [];
    try {
      const nc = await connectNats({
        url: server.url,
        name: 'desk-status-test',
        auth: { kind: 'none' },
        reconnectTimeWaitMs: 50,
        onStatus: (e) => events.push(e),
      });
      await server.restart();
      const deadline = Date.now() + 10_000;
      while (!events.some((e) => e.type === 'reconnect') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(events.map((e) => e.type).filter((t) => t === 'disconnect' || t === 'reconnect')).toEqual(['disconnect', 'reconnect']);
      expect(events[0]).toEqual({ type: 'disconnect', server: expect.stringContaining(String(server.port)) });
      await nc.flush();
      await nc.close();
      await new Promise((r) => setTimeout(r, 0));
      expect(events.at(-1)).toEqual({ type: 'closed' });
    } finally {
      await server.dispose();
    }
  });
});

describe('natsAuthFromEnv', () => {
  it('finds no auth in an empty environment (empty values count as unset)', () => {
    expect(natsAuthFromEnv({})).toEqual({ auth: { kind: 'none' }, source: 'none' });
    expect(natsAuthFromEnv({ NATS_TOKEN: '' })).toEqual({ auth: { kind: 'none' }, source: 'none' });
  });

  it('names the source it picked', () => {
    expect(natsAuthFromEnv({ NATS_USER: 'u', NATS_PASSWORD: 'p' })).toEqual({
      auth: { kind: 'user-password', user: 'u', password: 'p' },
      source: 'env:NATS_USER+NATS_PASSWORD',
    });
    expect(natsAuthFromEnv({ NATS_TOKEN: 't' })).toEqual({ auth: { kind: 'token', token: 't' }, source: 'env:NATS_TOKEN' });
    expect(natsAuthFromEnv({ NATS_NKEY_SEED: 'SU…' })).toEqual({ auth: { kind: 'nkey', seed: 'SU…' }, source: 'env:NATS_NKEY_SEED' });
    expect(natsAuthFromEnv({ NATS_CREDS: '/etc/desk.creds' })).toEqual({
      auth: { kind: 'creds', credsFile: '/etc/desk.creds' },
      source: 'env:NATS_CREDS',
    });
  });

  it('rejects two methods at once, naming the variables and not the values', () => {
    const e = (() => {
      try {
        natsAuthFromEnv({ NATS_TOKEN: 'secret-t', NATS_CREDS: '/x.creds' });
      } catch (err) {
        return err as Error;
      }
      throw new Error('expected a throw');
    })();
    expect(e).toBeInstanceOf(NatsConfigError);
    expect(e.message).toMatch(/more than one NATS auth method in the environment: NATS_TOKEN, NATS_CREDS/);
    expect(e.message).not.toContain('secret-t');
  });

  it('rejects half of user/password', () => {
    expect(() => natsAuthFromEnv({ NATS_USER: 'u' })).toThrow(/NATS_USER and NATS_PASSWORD must be set together/);
    expect(() => natsAuthFromEnv({ NATS_PASSWORD: 'p' })).toThrow(/only NATS_PASSWORD is set/);
  });
});
