/**
 * The per-tick bookkeeping of the step that runs in every variant: the UTC day rollover, fills
 * into the daily counters (with the §9 fill-price warning) and funding payments.
 */
import type { EppConfig } from './config.ts';
import { dayApplyFill, dayApplyFunding, dayRoll } from './day.ts';
import type { EppDecision } from './decisions.ts';
import type { EppState } from './state.ts';
import type { EppFill, EppInputs } from './types.ts';

/** Whether a fill is more than `fill_price_warn_pct` away from its order's price. */
export function fillPriceDeviates(fill: EppFill, config: EppConfig): boolean {
  if (!fill.orderPrice.gt(0)) return false;
  return fill.price.minus(fill.orderPrice).abs().dividedBy(fill.orderPrice).gt(config.fillPriceWarnPct);
}

/** Rolls the day, folds fills and funding in; pushes `day.rollover` and warnings to `out`. */
export function accountTick(s: EppState, inputs: EppInputs, config: EppConfig, out: EppDecision[]): EppState {
  const rolled = dayRoll(s.day, inputs.now);
  if (rolled.closed !== null) out.push({ type: 'day.rollover', day: rolled.closed });
  let day = rolled.day;
  for (const f of inputs.fills) {
    day = dayApplyFill(day, f.price, f.amount, f.feeQuote);
    if (fillPriceDeviates(f, config)) {
      out.push({
        type: 'warn',
        code: 'fill.price_deviation',
        message: `fill at ${f.price.toString()} is more than ${config.fillPriceWarnPct.times(100).toString()}% from the order price ${f.orderPrice.toString()}`,
        clientOrderId: f.clientOrderId,
      });
    }
  }
  if (inputs.fundingPaidQuote !== undefined) day = dayApplyFunding(day, inputs.fundingPaidQuote);
  return day === s.day ? s : { ...s, day };
}
