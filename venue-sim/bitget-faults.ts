/**
 * The fault injector speaking Bitget, for both Bitget dialects (spot and USDT-M futures): a fault
 * without `endpoints` whose default routes are venue-specific (lostAck, fillOnCancelled,
 * phantomTrades, missingTrades) gets the dialect's routes (`defaultEndpoints`: place/cancel
 * order, fills), and injected answers are Bitget's: a 429 is `{code:"429", msg:"Too Many
 * Requests"}` (ccxt: DDoSProtection), the default errorRate answer is `{code:"40015"}`
 * (ExchangeError), and a code given in the spec is sent as Bitget's string code.
 */
import { FaultInjector, type PreAction, parseFaultSpec } from './faults.ts';

export class BitgetFaultInjector extends FaultInjector {
  override install(input: unknown): ReturnType<FaultInjector['install']> {
    const spec = parseFaultSpec(input);
    const defaults = this.o.defaultEndpoints ?? {};
    return super.install({ ...spec, faults: spec.faults.map((f) => (f.endpoints === undefined && defaults[f.type] !== undefined ? { ...f, endpoints: [...(defaults[f.type] ?? [])] } : f)) });
  }

  override before(route: string): PreAction {
    const a = super.before(route);
    if (a.kind !== 'answer') return a;
    const body = (a.answer.body ?? {}) as { code?: unknown; msg?: unknown };
    let code = String(body.code ?? '40015');
    let msg = typeof body.msg === 'string' ? body.msg : '';
    if (a.answer.status === 429 && code === '-1003') {
      code = '429';
      msg = 'Too Many Requests';
    } else if (code === '-1000' && msg.startsWith('An unknown error occurred')) {
      code = '40015';
      msg = 'System is abnormal, please try again later';
    }
    return { ...a, answer: { ...a.answer, body: { code, msg, requestTime: Date.now(), data: null } } };
  }
}
