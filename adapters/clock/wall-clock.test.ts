import { describe, expect, it } from 'vitest';
import { WallClock } from './wall-clock.ts';

describe('WallClock', () => {
  it('reads Date.now and fires a timer at or after its time', async () => {
    const c = new WallClock();
    const start = c.now();
    expect(Math.abs(start - Date.now())).toBeLessThan(50);
    const firedAt = await new Promise<number>((resolve) => c.setTimer(start + 20, () => resolve(c.now())));
    expect(firedAt).toBeGreaterThanOrEqual(start + 20); // never early, though setTimeout may be
  });

  it('a cancelled timer does not fire', async () => {
    const c = new WallClock();
    let fired = false;
    const cancel = c.setTimer(c.now() + 10, () => (fired = true));
    cancel();
    await new Promise((r) => setTimeout(r, 30));
    expect(fired).toBe(false);
  });
});
