import { describe, expect, it } from 'vitest';
import { clientOrderId } from '../../ids.ts';
import { Decimal } from '../../money/decimal.ts';
import { EPP_DEFAULTS, type EppConfig, type Variant } from './config.ts';
import type { EppDecision } from './decisions.ts';
import { T0, TEST_RULES, patternMid, spot, tickAt } from './fixtures.ts';
import { type EppState, eppInit } from './state.ts';
import { type EppStepResult, eppStep } from './step.ts';
import type { EppInputs, OpenOrder } from './types.ts';

const cfg = (variant: Variant): EppConfig => ({ ...EPP_DEFAULTS, variant });
const types = (ds: readonly EppDecision[]): string[] => ds.map((x) => x.type);

/** Runs `ticks` ticks of the warm pattern (20 s apart) from T0 with no live orders; `over(i)` adds inputs. */
function run(config: EppConfig, ticks: number, over: (i: number) => Partial<EppInputs> = () => ({})): EppStepResult[] {
  let s: EppState = eppInit(config, { now: T0 });
  const out: EppStepResult[] = [];
  for (let i = 0; i < ticks; i++) {
    const now = T0 + i * 20_000;
    const r = eppStep(s, tickAt(now, patternMid(now), over(i)), config, TEST_RULES);
    out.push(r);
    s = r.state;
  }
  return out;
}

const live: OpenOrder = {
  clientOrderId: clientOrderId('epp-7'),
  levelId: 'buy_0',
  side: 'buy',
  price: new Decimal('99.5'),
  remaining: new Decimal('1'),
  placedAt: T0,
  acked: true,
  cancelling: false,
};

describe('variants (§10)', () => {
  it('disabled runs no pipeline: no regime, no quote, no place, ever', () => {
    const rs = run(cfg('disabled'), 50);
    expect(rs.every((r) => r.status === 'disabled' && r.quote === null && r.decisions.length === 0)).toBe(true);
    expect(rs.at(-1)?.state.regime.current).toBeNull();
  });

  it('disabled cancels a live order once and leaves the ones already cancelling', () => {
    const pending: OpenOrder = { ...live, clientOrderId: clientOrderId('epp-8'), cancelling: true };
    const rs = run(cfg('disabled'), 3, () => ({ openOrders: [live, pending] }));
    expect(rs[0]?.decisions).toEqual([{ type: 'cancel', clientOrderId: live.clientOrderId, levelId: 'buy_0', reason: 'disabled' }]);
    expect(rs.slice(1).flatMap((r) => r.decisions)).toEqual([]); // requested already, not re-sent
  });

  it('paper_only and live place the same full ladder once warm', () => {
    const paper = run(cfg('paper_only'), 45);
    const liveRun = run(cfg('live'), 45);
    const first = paper.findIndex((r) => r.status === 'running');
    expect(first).toBe(44); // 14 bars + 3 hold ticks
    expect(types(paper[first]?.decisions ?? []).filter((t) => t === 'place')).toHaveLength(8);
    expect(liveRun.map((r) => r.decisions)).toEqual(paper.map((r) => r.decisions));
  });

  it('no_trade runs the whole pipeline (regime, quote, soft and hard reasons) and places nothing', () => {
    const intents = (i: number): Partial<EppInputs> =>
      i === 47 ? { intents: [{ type: 'pause' }] } : i === 49 ? { intents: [{ type: 'resume' }] } : i === 52 ? { balances: spot(5, 480) } : {};
    const nt = run(cfg('no_trade'), 55, intents);
    const paper = run(cfg('paper_only'), 55, intents);
    expect(nt.flatMap((r) => types(r.decisions))).not.toContain('place');
    expect(nt.map((r) => r.status)).toEqual(paper.map((r) => r.status));
    expect(nt.map((r) => r.quote)).toEqual(paper.map((r) => r.quote));
    // Same decisions as paper_only, minus the places.
    expect(nt.map((r) => r.decisions)).toEqual(paper.map((r) => r.decisions.filter((x) => x.type !== 'place')));
    expect(nt[44]?.decisions).toEqual([{ type: 'regime.changed', from: null, to: 'neutral_low_vol' }]);
    expect(nt[45]?.status).toBe('running');
    expect(nt[45]?.quote?.levels).toBe(4);
    expect(nt[47]?.decisions).toEqual([{ type: 'ops.soft_pause', reasons: ['operator_pause'] }]);
    expect(nt[49]?.decisions).toEqual([{ type: 'ops.resume' }]);
    expect(nt[52]?.decisions).toEqual([{ type: 'ops.hard_stop', reason: 'daily_loss' }]);
    expect(nt[54]?.status).toBe('hard_stopped');
    expect(nt.at(-1)?.state.orderSeq).toBe(1);
  });
});
