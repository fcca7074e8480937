/**
 * The live desk's startup orphan scan of one bot, before it quotes: the venue's open orders on
 * the bot's symbol are read; a new process knows none of them, so every one whose client id
 * carries the bot's prefix is an orphan of an earlier run (a crash, a kill) that could fill
 * unexpectedly. Each is cancelled or adopted per `execution.orphan_policy`; orders with another
 * prefix belong to someone else on the account and are left alone, reported as warnings. Every
 * order seen is audited as a `venue.orphan` event with the action taken.
 */
import type { CcxtExecutionAdapter } from '../adapters/execution/ccxt.ts';
import type { OpenOrder } from '../adapters/execution/types.ts';
import type { OrphanPolicy } from '../config/schema/execution.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { Logger } from '../otel/logger.ts';
import type { EventLog } from './event-log.ts';

export type OrphanAction = 'cancelled' | 'adopted' | 'cancel_failed' | 'ignored_foreign';

export interface OrphanScanOptions {
  readonly botId: string;
  readonly adapter: Pick<CcxtExecutionAdapter, 'openOrders' | 'adoptOrphan' | 'cancel'>;
  readonly policy: OrphanPolicy;
  /** Whether a client id is the bot's own (its prefix). */
  readonly owns: (clientOrderId: string) => boolean;
  readonly log: EventLog;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface OrphanScanResult {
  readonly orders: readonly { readonly clientOrderId: string; readonly action: OrphanAction }[];
}

/** Scans, acts, audits; a venue read that fails throws (the desk refuses to start the bot blind). */
export async function scanOrphans(o: OrphanScanOptions): Promise<OrphanScanResult> {
  const open = await o.adapter.openOrders();
  const out: { clientOrderId: string; action: OrphanAction }[] = [];
  for (const order of open) {
    const action = await actOn(o, order);
    out.push({ clientOrderId: order.clientOrderId, action });
    o.log.append(`venue.${o.botId}`, {
      type: 'venue.orphan',
      ts: o.clock.now(),
      botId: o.botId,
      payload: { clientOrderId: order.clientOrderId, orderId: order.orderId ?? null, side: order.side, price: order.price.toFixed(), amount: order.amount.toFixed(), filled: order.filled.toFixed(), action, policy: o.policy },
    });
    const fields = { bot: o.botId, clientOrderId: order.clientOrderId, orderId: order.orderId ?? null, side: order.side, price: order.price.toFixed(), amount: order.amount.toFixed(), action };
    if (action === 'ignored_foreign') o.logger.warn(fields, "venue: an open order of someone else on the bot's account and symbol; left alone");
    else if (action === 'cancel_failed') o.logger.warn(fields, 'venue: could not cancel an orphan of the bot; reconciliation will report it');
    else o.logger.info(fields, `venue: orphan of an earlier run ${action}`);
  }
  return { orders: out };
}

async function actOn(o: OrphanScanOptions, order: OpenOrder): Promise<OrphanAction> {
  if (!o.owns(order.clientOrderId)) return 'ignored_foreign';
  // Tracked either way: a cancel needs the adapter to know the order; an adoption is just that.
  o.adapter.adoptOrphan(order);
  if (o.policy === 'adopt') return 'adopted';
  const r = await o.adapter.cancel(order.clientOrderId).catch(() => null);
  return r !== null && r.type === 'order.cancelled' ? 'cancelled' : 'cancel_failed';
}
