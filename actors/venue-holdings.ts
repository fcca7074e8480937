/**
 * The live desk's startup balance check of one ccxt bot. The bot's ledger starts from its
 * configured holdings (`paper.start_base`, `start_quote`); the venue account must hold at least
 * that — it may hold more (a shared account: the bot's holdings are a lower bound), never less,
 * or every sell (or buy) beyond it would be refused and the ledger would disagree with the venue
 * from the first fill. The domain `reconcile` balance check runs on the venue's totals capped at
 * the bot's need; any shortfall refuses to start, naming the assets and the config keys.
 *
 * On a perp the account is a wallet in the settlement asset and a signed position: the wallet
 * must hold at least `paper.start_quote` (a lower bound, as on spot), and the venue's position
 * on the symbol must BE `paper.start_base` (within a lot) — a position the bot does not know of
 * (left by a crash, or opened by hand) would be traded against blindly, so the bot refuses to
 * start and says which position it found.
 */
import type { Exchange } from 'ccxt';
import { unifiedSymbol, VenueConfigError } from '../adapters/venue/venue-config.ts';
import { readPerpState, type VenuePerpState } from '../adapters/venue/perp-reads.ts';
import type { BotConfig } from '../config/schema/desk.ts';
import { Decimal } from '../domain/money/decimal.ts';
import { checkHoldings, type HoldingsCheck } from '../domain/recon/index.ts';
import type { EventLog } from './event-log.ts';

export interface VenueHoldings {
  /** The venue's totals (free + locked) per asset at startup. */
  readonly venue: Readonly<Record<string, Decimal>>;
  readonly check: HoldingsCheck;
  /** Perps: the account as read (wallet, position, leverage). */
  readonly perp?: VenuePerpState;
}

const KEYS: Readonly<Record<'base' | 'quote', string>> = { base: 'start_base', quote: 'start_quote' };

/** Reads the venue's balances and checks them; throws VenueConfigError on any shortfall. */
export async function checkVenueHoldings(bot: BotConfig, exchange: Pick<Exchange, 'fetchBalance' | 'fetchPositions' | 'markets'>): Promise<VenueHoldings> {
  if (bot.market === 'perp') return checkPerpHoldings(bot, exchange);
  const b = await exchange.fetchBalance();
  const total = (b.total ?? {}) as unknown as Record<string, number | undefined | null>;
  const venue: Record<string, Decimal> = {};
  for (const [asset, v] of Object.entries(total)) if (typeof v === 'number') venue[asset] = new Decimal(String(v));
  const { base, quote } = bot.instrument;
  const check = checkHoldings(venue, { [base]: bot.account.startBase, [quote]: bot.account.startQuote });
  if (check.short.length > 0) {
    const key = (asset: string): string => `paper.${asset === base ? KEYS.base : KEYS.quote}`;
    throw new VenueConfigError(
      `bots[${bot.id}]: the venue account holds ${check.short.map((x) => `${x.venue.toFixed()} ${x.asset}`).join(' and ')}, less than the bot's ${check.short.map((x) => `${key(x.asset)} ${x.need.toFixed()}`).join(' and ')}: fund the account or lower the bot's holdings`,
    );
  }
  return { venue, check };
}

async function checkPerpHoldings(bot: BotConfig, exchange: Pick<Exchange, 'fetchBalance' | 'fetchPositions' | 'markets'>): Promise<VenueHoldings> {
  const { base, quote, lotStep } = bot.instrument;
  const perp = await readPerpState(exchange, unifiedSymbol(bot), quote);
  const venue: Record<string, Decimal> = { [quote]: perp.wallet, [base]: perp.position };
  const check = checkHoldings({ [quote]: perp.wallet }, { [quote]: bot.account.startQuote });
  const problems: string[] = [];
  if (check.short.length > 0) problems.push(`the venue wallet holds ${perp.wallet.toFixed()} ${quote}, less than the bot's paper.start_quote ${bot.account.startQuote.toFixed()}: fund the account or lower it`);
  if (perp.position.minus(bot.account.startBase).abs().gte(lotStep)) {
    problems.push(`the venue holds a ${unifiedSymbol(bot)} position of ${perp.position.toFixed()} ${base}${perp.entryPrice === null ? '' : ` (entry ${perp.entryPrice.toFixed()})`}, the bot's paper.start_base is ${bot.account.startBase.toFixed()}: close the position at the venue or set paper.start_base to it`);
  }
  if (problems.length > 0) throw new VenueConfigError(`bots[${bot.id}]: ${problems.join('; ')}`);
  return { venue, check, perp };
}

/** Audits the passed check as `recon.startup`: what was compared, and the (empty) findings. */
export function auditHoldings(log: EventLog, botId: string, ts: number, h: VenueHoldings): void {
  log.append(`venue.${botId}`, {
    type: 'recon.startup',
    ts,
    botId,
    payload: {
      rule: 'venue ≥ bot holdings (lower bound; more is fine on a shared account)',
      compared: h.check.compared.map((c) => ({ asset: c.asset, venue: c.venue.toFixed(), need: c.need.toFixed() })),
      findings: h.check.findings.map((f) => ({ check: f.check, severity: f.severity, subject: f.subject, message: f.message })),
      result: h.check.short.length === 0 ? 'ok' : 'refused',
      ...(h.perp === undefined ? {} : { position: h.perp.position.toFixed(), wallet: h.perp.wallet.toFixed(), equity: h.perp.equity.toFixed() }),
    },
  });
}
