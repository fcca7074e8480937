/**
 * The `portfolio_limits` section (desk-hardening-plan Day 5 and Day 70): the desk-wide limits
 * the portfolio risk monitor enforces across bots, and the conversion to the domain's
 * `PortfolioLimits`.
 *
 * Defaults: the plan fixes only `portfolio_kill_switch_on_global_breach: true` (Day 70, in
 * `portfolio_limits_v1.json`); the rest are desk choices. `daily_loss_pct` 0.03 sits above the
 * per-bot `max_daily_loss_pct` (0.015, strategy-epp §8) on purpose: it is the backstop that
 * catches losses a bot's own hard stop does not (a stopped bot's open position keeps moving;
 * it is not flattened until the kill switch runs).
 */
import { z } from 'zod';
import type { PortfolioLimits } from '../../domain/risk/portfolio.ts';
import { Decimal } from '../../domain/money/decimal.ts';
import { decimalField, fieldDocs, numField, show, strictObject } from './fields.ts';

/** Asset codes as venues write them (`BTC`, `USDT`, `1000PEPE`). */
const ASSET_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
/** Bot ids as the desk file accepts them (`bots[].id`). */
const BOT_ID_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** A boolean leaf (fields.ts has none yet): only `true` / `false`, not `"yes"` or 1. */
function boolField(def: boolean, doc: string) {
  const s = z
    .unknown()
    .transform((v, ctx): boolean => {
      if (typeof v === 'boolean') return v;
      ctx.addIssue({ code: 'custom', message: `expected true or false, got ${show(v)}`, input: v });
      return z.NEVER;
    })
    .default(def)
    .describe(`${doc} Default: desk default.`);
  fieldDocs.add(s, { type: 'boolean', constraint: 'true or false', default: String(def), required: false });
  return s;
}

/** `all`, or a non-empty list of distinct bot ids. */
const scopeField = (() => {
  const expected = 'all or a non-empty list of distinct bot ids';
  const s = z
    .unknown()
    .transform((v, ctx): 'all' | readonly string[] => {
      if (v === 'all') return 'all';
      if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && BOT_ID_RE.test(x)) && new Set(v).size === v.length) return v as string[];
      ctx.addIssue({ code: 'custom', message: `expected ${expected}, got ${show(v)}`, input: v });
      return z.NEVER;
    })
    .default('all')
    .describe('The bots portfolio risk covers and acts on: `all`, or a list of bot ids. Default: desk default.');
  fieldDocs.add(s, { type: 'string or list of string', constraint: expected, default: 'all', required: false });
  return s;
})();

/** Per-asset caps: a mapping of asset code to a decimal > 0. */
const capsByAssetField = (() => {
  const s = z
    .record(
      z.string().regex(ASSET_RE),
      decimalField('(0,∞)', { src: 'required', doc: 'Cap on |net exposure| of this asset, in quote.' }),
      {
        error: (iss) =>
          iss.code === 'invalid_type'
            ? `expected a mapping of asset to decimal, got ${show(iss.input)}`
            : iss.code === 'invalid_key'
              ? `expected an asset code (a letter or digit, then letters, digits, ".", "_", "-"; at most 32), got key ${show(iss.input)}`
              : undefined,
      },
    )
    .default({})
    .describe('Per-asset overrides of `net_exposure_cap_quote`, e.g. `{ BTC: 5000 }`. Default: none.');
  fieldDocs.add(s, { type: 'mapping of asset to decimal', constraint: 'each cap > 0', default: '{}', required: false });
  return s;
})();

/** The `portfolio_limits` section. */
export const portfolioLimitsSchema = strictObject(
  {
    daily_loss_pct: decimalField('(0,1)', {
      def: new Decimal('0.03'),
      src: 'desk',
      doc: 'Global daily loss cap: loss of the aggregate equity of the scoped bots from its value at the day\'s open (fraction); reached at equality.',
    }),
    net_exposure_cap_quote: decimalField('(0,∞)', {
      def: new Decimal('2000'),
      src: 'desk',
      doc: 'Cap on |net exposure| per asset summed over bots, in quote, pending orders counted in the worst case; an asset strictly above it soft-pauses the bots adding to it. The default is twice one default paper bot\'s `total_amount_quote` (1000): its inventory plus a full ladder on one side stays under it.',
    }),
    net_exposure_cap_quote_by_asset: capsByAssetField,
    concentration_pct: decimalField('(0,1]', {
      def: new Decimal('0.6'),
      src: 'desk',
      doc: 'Largest share of gross exposure one asset may hold (fraction); strictly above it soft-pauses the bots holding it. It applies only when two or more assets have exposure; 1 switches it off.',
    }),
    warn_at_fraction: decimalField('(0,1]', {
      def: new Decimal('0.8'),
      src: 'desk',
      doc: 'Share of any limit at which a warning is audited before the limit acts.',
    }),
    portfolio_kill_switch_on_global_breach: boolField(
      true,
      'On a global daily-loss breach, kill every scoped bot (true; desk-hardening-plan.md Day 70) or only soft-pause them (false).',
    ),
    stale_after_s: numField('(0,∞)', {
      def: 10,
      src: 'desk',
      doc: 'Seconds after which a bot\'s risk snapshot is stale; a stale bot is soft-paused (fail closed) while its last numbers still count.',
    }),
    exposure_hold_s: numField('[0,∞)', {
      def: 30,
      src: 'desk',
      doc: 'Seconds a net-exposure or concentration soft pause lasts after its rule stops firing. The pause cancels the resting orders the rule counted, so the value drops at once; the hold keeps the bot from re-quoting straight back into the breach (a pause/clear flap). 0 lifts it at the next evaluation.',
    }),
    scope: scopeField,
  },
  'a portfolio_limits section',
);

/** A parsed `portfolio_limits` section (snake_case, Decimals). */
export type PortfolioLimitsFile = z.output<typeof portfolioLimitsSchema>;
/** A `portfolio_limits` section as written in a file. */
export type PortfolioLimitsInput = z.input<typeof portfolioLimitsSchema>;

/** Converts a parsed section into the domain's `PortfolioLimits`. */
export function toPortfolioLimits(f: PortfolioLimitsFile): PortfolioLimits {
  return {
    dailyLossPct: f.daily_loss_pct,
    netExposureCapQuote: { default: f.net_exposure_cap_quote, byAsset: Object.fromEntries(Object.entries(f.net_exposure_cap_quote_by_asset)) },
    concentrationPct: f.concentration_pct,
    warnAtFraction: f.warn_at_fraction,
    killOnGlobalBreach: f.portfolio_kill_switch_on_global_breach,
    staleAfterMs: Math.round(f.stale_after_s * 1000),
    exposureHoldMs: Math.round(f.exposure_hold_s * 1000),
    scope: f.scope === 'all' ? 'all' : [...f.scope],
  };
}
