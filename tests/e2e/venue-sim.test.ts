/**
 * `desk venue-sim` through the real CLI: it serves, a plain ccxt binance (and bitget, spot and perp) client pointed
 * at it loads markets, places, lists, cancels and fetches balances; SIGTERM stops it (143); bad flags
 * exit 2 naming the flag, a taken port exits 1, and nothing is served.
 */
import { createServer } from 'node:net';
import ccxt from 'ccxt';
import { afterEach, describe, expect, it } from 'vitest';
import { bitgetSimClient, bitgetSwapSimClient, simClient } from '../../venue-sim/ccxt-client.fixtures.ts';
import { type Running, desk, deskChild, exitWithin, waitFor } from './desk-up.helpers.ts';

const BTC = 'data/binance-spot-20240808/btcusdt_20240808.gz';
const running: Running[] = [];

afterEach(async () => {
  for (const r of running.splice(0)) {
    if (r.child.exitCode === null) r.child.kill('SIGKILL');
    await r.exited;
  }
});

function serving(r: Running, venue: 'binance' | 'bitget' = 'binance', market: 'spot' | 'perp' = 'spot'): string | null {
  const m = new RegExp(`desk venue-sim: serving ${venue} ${market} on (http://127\\.0\\.0\\.1:\\d+)`).exec(r.out.stderr);
  return m === null ? null : (m[1] as string);
}

describe('desk venue-sim (CLI)', () => {
  it('serves; a plain ccxt binance client loads markets, places, lists, cancels and fetches balances; SIGTERM → 143', async () => {
    const r = deskChild(['venue-sim', '--venue', 'binance', '--port', '0', '--data', BTC]);
    running.push(r);
    expect(await waitFor(() => serving(r) !== null || r.child.exitCode !== null, 30_000)).toBe(true);
    const url = serving(r);
    expect(url, r.out.stderr).not.toBeNull();
    const ex = simClient(url as string);
    await ex.loadMarkets();
    expect(ex.symbols).toEqual(['BTC/USDT']);
    expect((await ex.fetchBalance())['USDT']).toMatchObject({ free: 10000, total: 10000 });
    const ob = await ex.fetchOrderBook('BTC/USDT');
    const price = Math.round(((ob.bids[0]?.[0] as number) - 150) * 100) / 100;
    const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, price, { postOnly: true, clientOrderId: 'cli-1' });
    expect(o.status).toBe('open');
    expect((await ex.fetchOpenOrders('BTC/USDT')).map((x) => x.clientOrderId)).toEqual(['cli-1']);
    expect((await ex.fetchBalance())['USDT']?.used).toBeCloseTo(price * 0.001, 6);
    expect((await ex.cancelOrder(String(o.id), 'BTC/USDT')).status).toBe('canceled');
    expect(await ex.fetchOpenOrders('BTC/USDT')).toEqual([]);
    r.child.kill('SIGTERM');
    const exit = await exitWithin(r, 15_000);
    expect(exit.code).toBe(143);
    await expect(ex.fetchTime()).rejects.toBeInstanceOf(ccxt.NetworkError);
  });

  it('--venue bitget serves; a plain ccxt bitget client loads markets, places, lists, cancels and fetches balances; the passphrase comes from the environment', async () => {
    const r = deskChild(['venue-sim', '--venue', 'bitget', '--port', '0', '--data', BTC], { DESK_SIM_PASSPHRASE: 'p2' });
    running.push(r);
    expect(await waitFor(() => serving(r, 'bitget') !== null || r.child.exitCode !== null, 30_000)).toBe(true);
    const url = serving(r, 'bitget');
    expect(url, r.out.stderr).not.toBeNull();
    await expect(bitgetSimClient(url as string).fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    const ex = bitgetSimClient(url as string, { apiKey: 'test-key', secret: 'test-secret', password: 'p2' });
    await ex.loadMarkets();
    expect(ex.symbols).toEqual(['BTC/USDT']);
    expect(ex.markets?.['BTC/USDT']?.precision).toEqual({ price: 0.01, amount: 0.000001 });
    expect((await ex.fetchBalance())['USDT']).toMatchObject({ free: 10000, total: 10000 });
    const ob = await ex.fetchOrderBook('BTC/USDT');
    const price = Math.round(((ob.bids[0]?.[0] as number) - 150) * 100) / 100;
    const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, price, { postOnly: true, clientOrderId: 'cli-bg-1' });
    expect((await ex.fetchOpenOrders('BTC/USDT')).map((x) => [x.id, x.clientOrderId, x.status])).toEqual([[o.id, 'cli-bg-1', 'open']]);
    expect((await ex.fetchBalance())['USDT']?.used).toBeCloseTo(price * 0.001, 6);
    await ex.cancelOrder(String(o.id), 'BTC/USDT');
    expect(await ex.fetchOpenOrders('BTC/USDT')).toEqual([]);
    expect((await ex.fetchBalance())['USDT']).toMatchObject({ free: 10000, used: 0 });
    expect(r.out.stderr).not.toContain('p2');
    r.child.kill('SIGTERM');
    expect((await exitWithin(r, 15_000)).code).toBe(143);
  });

  it('--venue bitget --market perp serves USDT-M perpetuals; a plain ccxt bitget swap client loads the contract and reads the margin account', async () => {
    const r = deskChild(['venue-sim', '--venue', 'bitget', '--market', 'perp', '--port', '0', '--data', BTC, '--funding-interval-s', '3600']);
    running.push(r);
    expect(await waitFor(() => serving(r, 'bitget', 'perp') !== null || r.child.exitCode !== null, 30_000)).toBe(true);
    const url = serving(r, 'bitget', 'perp');
    expect(url, r.out.stderr).not.toBeNull();
    expect(r.out.stderr).toMatch(/funding 0\.0001 every 3600 s/);
    const ex = bitgetSwapSimClient(url as string);
    await ex.loadMarkets();
    expect(ex.symbols).toEqual(['BTC/USDT:USDT']);
    expect((await ex.fetchBalance())['USDT']).toMatchObject({ free: 10000, total: 10000 });
    expect(await ex.fetchPositions()).toEqual([]);
    r.child.kill('SIGTERM');
    expect((await exitWithin(r, 15_000)).code).toBe(143);
  });

  it('credentials come from the environment: the documented test key no longer works when DESK_SIM_API_SECRET is set', async () => {
    const r = deskChild(['venue-sim', '--venue', 'binance', '--port', '0', '--data', BTC], { DESK_SIM_API_KEY: 'k2', DESK_SIM_API_SECRET: 's2' });
    running.push(r);
    expect(await waitFor(() => serving(r) !== null, 30_000)).toBe(true);
    const url = serving(r) as string;
    await expect(simClient(url).fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    expect((await simClient(url, { apiKey: 'k2', secret: 's2' }).fetchBalance())['USDT']?.total).toBe(10000);
    expect(r.out.stderr).not.toContain('s2');
  });

  it.each([
    [['--venue', 'kraken', '--data', BTC], /--venue: expected binance or bitget/],
    [['--venue', 'bitget', '--market', 'fut', '--data', BTC], /--market: expected spot or perp/],
    [['--venue', 'binance', '--market', 'perp', '--data', BTC, '--funding-interval-s', '0'], /--funding-interval-s: expected a whole number/],
    [['--venue', 'bitget', '--data', BTC, '--funding-rate', '0.0001'], /--funding-rate: only with --market perp/],
    [['--venue', 'binance'], /required option '--data/],
    [['--venue', 'binance', '--data', 'no/such/file.gz'], /no\/such\/file\.gz/],
    [['--venue', 'binance', '--data', BTC, '--port', '70000'], /--port: expected an integer 0\.\.65535/],
    [['--venue', 'binance', '--data', BTC, '--speed', 'fast'], /--speed: expected a number > 0/],
    [['--venue', 'binance', '--data', BTC, '--balances', 'USDT=lots'], /--balances: expected ASSET=amount/],
    [['--venue', 'binance', '--data', BTC, '--faults', 'no/such/faults.yaml'], /--faults .*no\/such\/faults\.yaml: cannot read/],
  ])('bad input %j exits 2 naming it', (args, message) => {
    const r = desk(['venue-sim', ...args]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('a port already taken exits 1 and says so', async () => {
    const blocker = createServer();
    await new Promise<void>((res) => blocker.listen(0, '127.0.0.1', () => res()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = desk(['venue-sim', '--venue', 'binance', '--port', String(port), '--data', BTC]);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`cannot listen on port ${port}`));
    } finally {
      blocker.close();
    }
  });
});
