import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function sink(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c.toString()), cb()) });
  return { stream, lines: () => chunks.join('').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes JSON lines and redacts secrets at any depth', () => {
    const s = sink();
    const log = createLogger([{ stream: s.stream, level: 'info' }]);
    log.info({ venue: { apiKey: 'AKIA-123', apiSecret: 's3cr3t', name: 'binance' }, password: 'pw' }, 'connected');
    const [line] = s.lines();
    expect(line?.['msg']).toBe('connected');
    expect(line?.['password']).toBe('[redacted]');
    expect(line?.['venue']).toEqual({ apiKey: '[redacted]', apiSecret: '[redacted]', name: 'binance' });
    expect(JSON.stringify(s.lines())).not.toContain('s3cr3t');
  });

  it('sends each target only its level and above', () => {
    const all = sink();
    const warn = sink();
    const log = createLogger([{ stream: all.stream, level: 'debug' }, { stream: warn.stream, level: 'warn' }]);
    log.debug('d');
    log.info('i');
    log.warn('w');
    expect(all.lines().map((l) => l['msg'])).toEqual(['d', 'i', 'w']);
    expect(warn.lines().map((l) => l['msg'])).toEqual(['w']);
  });
});
