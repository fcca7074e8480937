import { describe, expect, it } from 'vitest';
import { runPaper, stepPaper } from './fill-model.ts';
import { book, model, place, trade } from './paper.fixtures.ts';
import { restorePaperState, snapshotPaperState } from './snapshot.ts';

describe('paper snapshots', () => {
  const mid = runPaper(model({ partialFillMin: model().params.config.partialFillMin.dividedBy(2) }), [
    book(0, [['100', '5']], [['101', '1']]),
    place(0, 'a', 'buy', 'limit_maker', '100', '2'),
    trade(200, '99', '10', 'sell'),
  ]).state;

  it('round-trips byte for byte and continues identically', () => {
    const restored = restorePaperState(snapshotPaperState(mid));
    expect(snapshotPaperState(restored)).toBe(snapshotPaperState(mid));
    const next = trade(400, '99', '10', 'sell');
    expect(JSON.stringify(stepPaper(restored, next))).toBe(JSON.stringify(stepPaper(mid, next)));
  });

  it('refuses a snapshot with a corrupt generator state', () => {
    const bad = snapshotPaperState(mid).replace(/"rng":\{"state":\d+\}/, '"rng":{"state":-5}');
    expect(() => restorePaperState(bad)).toThrow(RangeError);
  });
});
