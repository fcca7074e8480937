/**
 * `desk up --nats <url>`: the whole desk in one process, over NATS — a bot host running the
 * config's bots, the portfolio-risk monitor and the kill-switch service, talking through NATS
 * subjects, writing events to JetStream (DESK_EVENTS, DESK_AUDIT) and latches / daily state to KV,
 * exactly as the separate `desk host`, `desk risk` and `desk killswitch` processes do. Operators
 * use `desk status|pause|resume|kill|rearm|target` against it from another terminal.
 */
import { createEventLog } from '../../../actors/event-log.ts';
import { BotHost } from '../../../actors/host.ts';
import { KillSwitchService } from '../../../actors/kill-switch-service.ts';
import { PortfolioRiskActor } from '../../../actors/portfolio-risk.ts';
import type { DeskSpeed } from '../../../actors/desk.ts';
import type { DeskSummary, DeskView } from '../../../actors/desk-view.ts';
import { BusPayloadError } from '../../../adapters/bus/errors.ts';
import { WallClock } from '../../../adapters/clock/wall-clock.ts';
import type { DeskConfig } from '../../../config/schema/desk.ts';
import type { Logger } from '../../../otel/logger.ts';
import type { DeskMetrics } from '../../../otel/metrics.ts';
import type { InspectionEvent } from 'xstate';
import { openRuntime } from './processes.ts';

export interface UpOverNatsOptions {
  readonly nats?: string;
  readonly prefix?: string;
  readonly configPath: string;
  readonly config: DeskConfig;
  readonly speed: DeskSpeed;
  readonly seed?: number;
  readonly durationS?: number;
  readonly varDir: string;
  readonly logger: Logger;
  readonly metrics: DeskMetrics;
  readonly inspectFor: (botId: string) => (e: InspectionEvent) => void;
  /** Receives a function that stops the run (signals). */
  readonly onStoppable: (stop: () => void) => void;
  /** Receives the live view source once the bots run. */
  readonly onView: (view: () => DeskView) => void;
}

const EMPTY_VIEW: DeskView = { bots: [], progress: { nowMs: 0, startMs: 0, endMs: 0, messages: 0, totalMessages: 0, speed: '' } };

export async function runUpOverNats(o: UpOverNatsOptions): Promise<DeskSummary | null> {
  let host: BotHost | null = null;
  const rt = await openRuntime({ ...(o.nats !== undefined ? { nats: o.nats } : {}), ...(o.prefix !== undefined ? { prefix: o.prefix } : {}), var: o.varDir }, 'up', o.varDir, o.logger, (up) => host?.setBusUp(up), (e) => {
    if (e.cause instanceof BusPayloadError) host?.auditUndecodable(e.subject, e.cause.message);
  });
  const wall = new WallClock();
  const risk = new PortfolioRiskActor({ bus: rt.bus, limits: o.config.portfolioLimits, clock: wall, log: createEventLog(rt.sink, await rt.seqState(['desk.risk'])), logger: o.logger });
  const killer = new KillSwitchService({ bus: rt.bus, clock: wall, log: createEventLog(rt.sink, await rt.seqState(['killswitch.service'])), logger: o.logger });
  try {
    risk.start();
    killer.start();
    host = new BotHost({
      name: 'up', bus: rt.bus, sink: rt.sink, seqState: (p) => rt.seqState(p), daily: rt.daily, latches: rt.latches, logger: o.logger,
      metrics: o.metrics, inspectFor: o.inspectFor,
    });
    await host.start();
    const h = host;
    o.onStoppable(() => void h.close());
    const spawned = await host.spawn({ config: o.configPath, speed: o.speed, ...(o.seed !== undefined ? { seed: o.seed } : {}), ...(o.durationS !== undefined ? { durationS: o.durationS } : {}) });
    o.onView(() => h.deskViews()[0] ?? EMPTY_VIEW);
    const summary = await spawned.done;
    await host.close();
    return summary;
  } finally {
    killer.stop();
    risk.stop();
    await rt.close();
  }
}
