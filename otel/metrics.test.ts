import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  BOT_STATES,
  METRIC_BOT_STATE,
  METRIC_EVENT_STORE_LAG_EVENTS,
  METRIC_ORDERS_TOTAL,
  METRIC_TICK_DURATION_SECONDS,
  METRIC_TICKS_TOTAL,
  REGIMES,
  createDeskMetrics,
} from './metrics.ts';

describe('createDeskMetrics', () => {
  it('uses its own registry, not the global one', async () => {
    const registry = new Registry();
    const m = createDeskMetrics(registry);
    expect(m.registry).toBe(registry);
    expect(createDeskMetrics().registry).not.toBe(registry);
    expect(await registry.getSingleMetricAsString(METRIC_TICKS_TOTAL)).toContain('# TYPE desk_ticks_total counter');
  });

  it('shows counter and gauge updates in the text output', async () => {
    const m = createDeskMetrics();
    m.ticksTotal.inc({ bot: 'b1' });
    m.ticksTotal.inc({ bot: 'b1' });
    m.countOrder('b1', 'placed', 3);
    m.countOrder('b1', 'filled');
    m.equityQuote.set({ bot: 'b1' }, 1234.5);
    m.pnlQuote.set({ bot: 'b1', kind: 'realized' }, 12);
    m.pnlQuote.set({ bot: 'b1', kind: 'unrealized' }, -3.25);
    m.basePct.set({ bot: 'b1' }, 48.5);
    m.bookAgeSeconds.set({ bot: 'b1' }, 0.2);
    m.eventStoreLagEvents.set(7);
    const text = await m.registry.metrics();
    expect(text).toContain('desk_ticks_total{bot="b1"} 2');
    expect(text).toContain(`${METRIC_ORDERS_TOTAL}{bot="b1",action="placed"} 3`);
    expect(text).toContain('desk_orders_total{bot="b1",action="filled"} 1');
    expect(text).toContain('desk_equity_quote{bot="b1"} 1234.5');
    expect(text).toContain('desk_pnl_quote{bot="b1",kind="realized"} 12');
    expect(text).toContain('desk_pnl_quote{bot="b1",kind="unrealized"} -3.25');
    expect(text).toContain('desk_base_pct{bot="b1"} 48.5');
    expect(text).toContain('desk_book_age_seconds{bot="b1"} 0.2');
    expect(text).toContain(`${METRIC_EVENT_STORE_LAG_EVENTS} 7`);
  });

  it('setBotState sets exactly one state to 1 per bot', async () => {
    const m = createDeskMetrics();
    m.setBotState('b1', 'Running');
    m.setBotState('b2', 'HardStopped');
    m.setBotState('b1', 'SoftPaused');
    const { values } = await m.botState.get();
    for (const bot of ['b1', 'b2']) {
      const rows = values.filter((v) => v.labels.bot === bot);
      expect(rows).toHaveLength(BOT_STATES.length);
      expect(rows.filter((v) => v.value === 1)).toHaveLength(1);
    }
    const text = await m.registry.getSingleMetricAsString(METRIC_BOT_STATE);
    expect(text).toContain('desk_bot_state{bot="b1",state="SoftPaused"} 1');
    expect(text).toContain('desk_bot_state{bot="b1",state="Running"} 0');
    expect(text).toContain('desk_bot_state{bot="b2",state="HardStopped"} 1');
  });

  it('setRegime sets exactly one regime to 1', async () => {
    const m = createDeskMetrics();
    m.setRegime('b1', 'up');
    m.setRegime('b1', 'high_vol_shock');
    const { values } = await m.regime.get();
    expect(values).toHaveLength(REGIMES.length);
    expect(values.filter((v) => v.value === 1).map((v) => v.labels.regime)).toEqual(['high_vol_shock']);
  });

  it('records histogram observations in µs–ms buckets', async () => {
    const m = createDeskMetrics();
    m.tickDurationSeconds.observe({ bot: 'b1' }, 3e-6);
    m.tickDurationSeconds.observe({ bot: 'b1' }, 2e-3);
    const stop = m.tickDurationSeconds.startTimer({ bot: 'b1' });
    stop();
    const text = await m.registry.getSingleMetricAsString(METRIC_TICK_DURATION_SECONDS);
    expect(text).toContain('desk_tick_duration_seconds_bucket{le="0.000001",bot="b1"} 0');
    expect(text).toContain('desk_tick_duration_seconds_bucket{le="0.000005",bot="b1"}');
    expect(text).toContain('desk_tick_duration_seconds_bucket{le="0.01",bot="b1"} 3');
    expect(text).toContain('desk_tick_duration_seconds_bucket{le="+Inf",bot="b1"} 3');
    expect(text).toContain('desk_tick_duration_seconds_count{bot="b1"} 3');
    const bucket5us = /desk_tick_duration_seconds_bucket\{le="0\.000005",bot="b1"\} (\d+)/.exec(text);
    expect(Number(bucket5us?.[1])).toBeGreaterThanOrEqual(1);
  });

  it('reports each venue account\'s remaining request budget at scrape time', async () => {
    const m = createDeskMetrics();
    let left = 7;
    m.watchRateLimiter('acc1', () => left);
    expect(await m.registry.getSingleMetricAsString('desk_venue_rate_limit_remaining')).toContain('desk_venue_rate_limit_remaining{account="acc1"} 7');
    left = 0;
    expect(await m.registry.getSingleMetricAsString('desk_venue_rate_limit_remaining')).toContain('desk_venue_rate_limit_remaining{account="acc1"} 0');
  });
});
