import { describe, expect, it } from 'vitest';
import { CANCEL_BUDGET_INIT, cancelBudgetEvaluate, cancelBudgetRecord } from './cancel-budget.ts';
import { EPP_DEFAULTS } from './config.ts';

const C = EPP_DEFAULTS; // 50 per minute, 3rd consecutive breach escalates

describe('cancel budget (§8)', () => {
  it('51 cancels in a minute breach; the 3rd consecutive breach escalates; a clean minute resets', () => {
    let s = CANCEL_BUDGET_INIT;
    const breach = (t: number) => {
      s = cancelBudgetRecord(s, t, 51);
      const v = cancelBudgetEvaluate(s, t + 1, C);
      s = v.state;
      return v;
    };
    expect(cancelBudgetEvaluate(cancelBudgetRecord(s, 0, 50), 1, C).breach).toBe(false);
    let v = breach(0);
    expect([v.breach, v.escalate]).toEqual([true, false]);
    s = cancelBudgetEvaluate(s, 60_000, C).state; // window passed: breach over
    expect(s.breaching).toBe(false);
    v = breach(70_000); // 2nd, within a minute of clearing
    expect([v.breach, v.escalate, s.streak]).toEqual([true, false, 2]);
    s = cancelBudgetEvaluate(s, 130_001, C).state;
    v = breach(131_000);
    expect([v.breach, v.escalate, s.streak]).toEqual([true, true, 3]);
  });
  it('the streak resets after a full clean minute', () => {
    let s = cancelBudgetEvaluate(cancelBudgetRecord(CANCEL_BUDGET_INIT, 0, 51), 1, C).state;
    s = cancelBudgetEvaluate(s, 60_000, C).state;
    s = cancelBudgetEvaluate(s, 120_000, C).state;
    expect(s.streak).toBe(0);
  });
});
