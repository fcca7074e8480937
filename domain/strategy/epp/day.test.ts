import { describe, expect, it } from 'vitest';
import { Decimal } from '../../money/decimal.ts';
import { dayApplyFill, dayFromJson, dayInit, dayObserveEquity, dayRestore, dayRoll, dayToJson } from './day.ts';

const MIDNIGHT = Date.UTC(2024, 7, 9);

describe('daily counters (§10)', () => {
  it('rolls over exactly at 00:00 UTC', () => {
    let day = dayObserveEquity(dayInit(MIDNIGHT - 1), new Decimal(1000));
    day = dayApplyFill(day, new Decimal(100), new Decimal(2), new Decimal('0.15'));
    expect(dayRoll(day, MIDNIGHT - 1).closed).toBeNull();
    const r = dayRoll(day, MIDNIGHT);
    expect(r.closed).toBe(day);
    expect(r.day.dayStartMs).toBe(MIDNIGHT);
    expect(r.day.equityOpen).toBeNull();
    expect(r.day.fillCount).toBe(0);
  });
  it('serializes, and restores only within the same UTC day', () => {
    const day = dayApplyFill(dayObserveEquity(dayInit(MIDNIGHT + 5), new Decimal('1000.5')), new Decimal(100), new Decimal(2), new Decimal('0.15'));
    const json = JSON.parse(JSON.stringify(dayToJson(day)));
    expect(dayToJson(dayFromJson(json))).toEqual(dayToJson(day));
    expect(dayRestore(json, MIDNIGHT + 3_600_000).equityOpen?.toString()).toBe('1000.5');
    expect(dayRestore(json, MIDNIGHT + 86_400_000).equityOpen).toBeNull();
    expect(() => dayFromJson({ ...json, feesQuote: 'x' })).toThrow(/day.feesQuote/);
  });
});
