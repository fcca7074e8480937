import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureFormatError } from '../adapters/capture/index.ts';
import { readCaptureMessages } from './capture-messages.ts';

const dir = mkdtempSync(join(tmpdir(), 'capture-messages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const trade = '1723075200123456789 {"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":7,"p":"100.5","q":"0.1","T":1,"m":true,"M":true}}';

describe('readCaptureMessages', () => {
  it('parses every line and skips blank ones', async () => {
    const file = join(dir, 'ok.txt');
    writeFileSync(file, `${trade}\n\n${trade}\n`);
    const msgs = await readCaptureMessages([file]);
    expect(msgs.map((m) => [m.kind, m.ts])).toEqual([['trade', 1723075200123], ['trade', 1723075200123]]);
  });

  it('throws a CaptureFormatError naming file:line on a malformed line', async () => {
    const file = join(dir, 'bad.txt');
    writeFileSync(file, `${trade}\n${trade}\n1723075200123456789 {oops\n`);
    const err = await readCaptureMessages([file]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaptureFormatError);
    expect((err as CaptureFormatError).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: malformed JSON`));
  });
});
