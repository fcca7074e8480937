import { describe, expect, it } from 'vitest';
import { Decimal } from '../money/decimal.ts';
import { type CsvLayout, ohlcvBarProblem, parseOhlcvCsvHeader, parseOhlcvCsvRow, parseOhlcvJson, parseOhlcvTimestamp } from './ohlcv.ts';
import type { Bar } from './types.ts';

const T0 = Date.UTC(2021, 11, 31, 23, 1); // 2021-12-31 23:01 UTC, the FTX file's first row

function layout(header = 'timestamp,open,high,low,close,volume'): CsvLayout {
  const l = parseOhlcvCsvHeader(header);
  if (typeof l === 'string') throw new Error(l);
  return l;
}

/** A bar as plain strings, for equality checks. */
function plainBar(b: Bar | string): unknown {
  if (typeof b === 'string') return b;
  return { ts: b.ts, o: b.open.toFixed(), h: b.high.toFixed(), l: b.low.toFixed(), c: b.close.toFixed(), v: b.volume.toFixed() };
}

describe('parseOhlcvTimestamp', () => {
  it.each([
    ['epoch ms', '1640991660000', T0],
    ['epoch ms as a number', 1640991660000, T0],
    ['epoch seconds', '1640991660', T0],
    ['epoch seconds as a number', 1640991660, T0],
    ['fractional seconds', '1640991660.5', T0 + 500],
    ['surrounding spaces', '  1640991660000 ', T0],
    ['FTX/nautilus style date', '2021-12-31 23:01:00.000000', T0],
    ['ISO with T and Z', '2021-12-31T23:01:00Z', T0],
    ['ISO with milliseconds', '2021-12-31T23:01:00.250Z', T0 + 250],
    ['ISO with nanoseconds', '2021-12-31T23:01:00.123456789Z', T0 + 123],
    ['ISO without seconds', '2021-12-31T23:01', T0],
    ['lower-case t and z', '2021-12-31t23:01:00z', T0],
    ['positive offset with colon', '2022-01-01T00:31:00+01:30', T0],
    ['negative offset without colon', '2021-12-31T18:01:00-0500', T0],
    ['bare date (UTC midnight)', '2022-01-01', Date.UTC(2022, 0, 1)],
    ['leap day', '2024-02-29 00:00:00', Date.UTC(2024, 1, 29)],
    ['zero', '0', 0],
  ])('%s', (_name, raw, want) => {
    expect(parseOhlcvTimestamp(raw)).toBe(want);
  });

  it.each([
    ['impossible date', '2022-02-30'],
    ['not a leap year', '2023-02-29 00:00:00'],
    ['hour 24', '2022-01-01 24:00:00'],
    ['minute 60', '2022-01-01 10:60:00'],
    ['second 60', '2022-01-01 10:00:60'],
    ['month 13', '2022-13-01'],
    ['text', 'yesterday'],
    ['empty', ''],
    ['negative string', '-1640991660'],
    ['exponent', '1.6e12'],
    ['negative number', -5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('rejects %s', (_name, raw) => {
    expect(parseOhlcvTimestamp(raw)).toBeUndefined();
  });
});

describe('ohlcvBarProblem', () => {
  const bar = (o: string, h: string, l: string, c: string, v = '1'): Bar => ({ ts: 0, open: new Decimal(o), high: new Decimal(h), low: new Decimal(l), close: new Decimal(c), volume: new Decimal(v) });

  it('accepts a consistent bar, including a flat one and zero volume', () => {
    expect(ohlcvBarProblem(bar('10', '12', '9', '11'))).toBeNull();
    expect(ohlcvBarProblem(bar('10', '10', '10', '10', '0'))).toBeNull();
  });

  it.each([
    ['high below the open', bar('10', '9.5', '9', '9.2'), /high 9.5 is below max\(open, close\) 10/],
    ['high below the close', bar('10', '10.5', '9', '11'), /high 10.5 is below max\(open, close\) 11/],
    ['low above the close', bar('10', '12', '9.8', '9.5'), /low 9.8 is above min\(open, close\) 9.5/],
    ['zero price', bar('0', '12', '0', '11'), /prices must be > 0/],
    ['negative price', bar('10', '12', '-1', '11'), /prices must be > 0/],
    ['negative volume', bar('10', '12', '9', '11', '-0.1'), /volume -0.1 is negative/],
  ])('%s', (_name, b, reason) => {
    expect(ohlcvBarProblem(b)).toMatch(reason);
  });
});

describe('CSV header', () => {
  it('finds the columns in any order, any case, quoted, with extra columns', () => {
    expect(parseOhlcvCsvHeader('timestamp,open,high,low,close,volume')).toEqual({ ts: 0, cols: { open: 1, high: 2, low: 3, close: 4, volume: 5 }, width: 6 });
    expect(parseOhlcvCsvHeader('"Volume","Close","Low","High","Open","Date",trades')).toEqual({ ts: 5, cols: { open: 4, high: 3, low: 2, close: 1, volume: 0 }, width: 7 });
  });

  it.each(['time', 'date', 'datetime', 'open_time', ' Timestamp '])('accepts "%s" as the time column', (name) => {
    expect(layout(`${name},open,high,low,close,volume`).ts).toBe(0);
  });

  it('a UTF-8 byte-order mark before the header is not part of the first column name', () => {
    expect(layout('\uFEFFtimestamp,open,high,low,close,volume').ts).toBe(0);
  });

  it('names every missing column', () => {
    expect(parseOhlcvCsvHeader('ts,open,high,close')).toMatch(/lacks column\(s\) timestamp, low, volume \(expected timestamp,open,high,low,close,volume\)/);
    expect(parseOhlcvCsvHeader('1640991660000,1,2,0.5,1.5,10')).toMatch(/lacks column\(s\) timestamp, open, high, low, close, volume/);
  });
});

describe('CSV rows', () => {
  it('parses a real FTX row exactly', () => {
    expect(plainBar(parseOhlcvCsvRow('2021-12-31 23:01:00.000000,46319.0,46385.0,46319.0,46377.0,2300413.7295', layout()))).toEqual({
      ts: T0, o: '46319', h: '46385', l: '46319', c: '46377', v: '2300413.7295',
    });
  });

  it('follows the header layout, trims cells and strips quotes', () => {
    const l = layout('volume,close,low,high,open,time,extra');
    expect(plainBar(parseOhlcvCsvRow(' 10 ,"1.5",0.5, 2 ,1,"1640991660",x', l))).toEqual({ ts: T0, o: '1', h: '2', l: '0.5', c: '1.5', v: '10' });
    expect(plainBar(parseOhlcvCsvRow('1640991660000,1,2,0.5,1.5,10\r', layout()))).toMatchObject({ v: '10' });
  });

  it.each([
    ['too few columns', '1640991660000,1,2,0.5,1.5', /expected 6 columns, found 5/],
    ['empty cell', '1640991660000,1,,0.5,1.5,10', /high is missing/],
    ['blank cell', '1640991660000,1,2,  ,1.5,10', /low is missing/],
    ['non-numeric price', '1640991660000,1,2,0.5,abc,10', /close: expected a decimal number, got "abc"/],
    ['NaN volume', '1640991660000,1,2,0.5,1.5,NaN', /volume: expected a finite decimal number/],
    ['bad timestamp', 'soon,1,2,0.5,1.5,10', /timestamp "soon" is neither epoch ms\/s nor a date/],
    ['impossible bar', '1640991660000,1,0.9,0.5,1.5,10', /high 0.9 is below max\(open, close\) 1.5/],
  ])('rejects %s with a reason', (_name, row, reason) => {
    expect(parseOhlcvCsvRow(row, layout())).toMatch(reason);
  });
});

describe('ccxt / freqtrade JSON', () => {
  it('parses number rows (ms and s) and string rows, each with the line it starts on', () => {
    const text = '[\n  [1640991660000, 46319.0, 46385.0, 46319.0, 46377.0, 2300413.7295],\n  [1640991720, "46377", "46411", "46377", "46411", "1829623.1938"]\n]\n';
    const rows = parseOhlcvJson(text);
    expect(rows.map((r) => r.line)).toEqual([2, 3]);
    expect(rows.map((r) => plainBar(r.bar))).toEqual([
      { ts: T0, o: '46319', h: '46385', l: '46319', c: '46377', v: '2300413.7295' },
      { ts: T0 + 60_000, o: '46377', h: '46411', l: '46377', c: '46411', v: '1829623.1938' },
    ]);
  });

  it('a one-line file puts every row on line 1; an empty array has no rows', () => {
    expect(parseOhlcvJson('[[1640991660000,1,2,0.5,1.5,10],[1640991720000,1,2,0.5,1.5,10]]').map((r) => r.line)).toEqual([1, 1]);
    expect(parseOhlcvJson('[]')).toEqual([]);
  });

  it('reports bad rows with their row number and line, and keeps the good ones', () => {
    const text = ['[', '[1640991660000,1,2,0.5,1.5,10],', '[1640991720000,1,2,0.5],', '{"ts":1},', '[null,1,2,0.5,1.5,10],', '[1640991840000,1,2,0.5,1.5,"x"],', '[1640991900000,1,2,0.5,1.5,10]', ']'].join('\n');
    const rows = parseOhlcvJson(text);
    expect(rows.map((r) => [r.line, typeof r.bar === 'string' ? r.bar : 'ok'])).toEqual([
      [2, 'ok'],
      [3, 'row 2: expected [ts_ms, open, high, low, close, volume]'],
      [4, 'row 3: expected [ts_ms, open, high, low, close, volume]'],
      [5, 'row 4: timestamp null is neither epoch ms/s nor a date'],
      [6, 'row 5: volume: expected a decimal number, got "x"'],
      [7, 'ok'],
    ]);
  });

  it('rows that are not arrays or objects (null, numbers, strings) keep the line numbers right', () => {
    const text = ['[', '[1640991660000,1,2,0.5,1.5,10],', 'null,', '"[oops]",', '42,', '[1640991900000,1,2,0.5,1.5,10]', ']'].join('\n');
    expect(parseOhlcvJson(text).map((r) => r.line)).toEqual([2, 3, 4, 5, 6]);
  });

  it('strings containing brackets do not confuse the line map', () => {
    const text = '[\n["2021-12-31 23:01:00 [x]",1,2,0.5,1.5,10],\n[1640991720000,1,2,0.5,1.5,10]\n]';
    const rows = parseOhlcvJson(text);
    expect(rows.map((r) => r.line)).toEqual([2, 3]);
    expect(rows[0]?.bar).toMatch(/row 1: timestamp "2021-12-31 23:01:00 \[x\]"/);
  });

  it('a UTF-8 byte-order mark before the array is accepted', () => {
    expect(parseOhlcvJson('\uFEFF[[1640991660000,1,2,0.5,1.5,10]]')).toHaveLength(1);
  });

  it('throws a RangeError for invalid JSON or a non-array', () => {
    expect(() => parseOhlcvJson('[[1,2,3')).toThrow(/not valid JSON/);
    expect(() => parseOhlcvJson('{"data":[]}')).toThrow(/expected a JSON array/);
    expect(() => parseOhlcvJson('')).toThrow(RangeError);
  });
});
