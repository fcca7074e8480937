/**
 * The simulator's fault control endpoint, `/__sim/faults` on the same 127.0.0.1 server as the
 * venue: GET shows the installed spec and what was injected, PUT replaces the spec (JSON or
 * YAML body; a bad spec is a 400 naming the field and changes nothing), DELETE clears it.
 * Unsigned on purpose: the server listens on the loopback interface only (docs/venue-sim.md).
 */
import { FaultSpecError, parseFaultSpecText, type FaultInjector } from './faults.ts';

export const FAULT_CONTROL_PATH = '/__sim/faults';

export function faultControl(faults: FaultInjector, method: string, rawBody: string): { readonly status: number; readonly body: unknown } {
  switch (method) {
    case 'GET':
      return { status: 200, body: faults.status() };
    case 'PUT':
      try {
        faults.install(parseFaultSpecText(rawBody));
        return { status: 200, body: faults.status() };
      } catch (e) {
        if (e instanceof FaultSpecError) return { status: 400, body: { error: `fault spec: ${e.message}`, issues: e.issues } };
        throw e;
      }
    case 'DELETE':
      faults.clear();
      return { status: 200, body: faults.status() };
    default:
      return { status: 405, body: { error: `${FAULT_CONTROL_PATH}: expected GET, PUT or DELETE, got ${method}` } };
  }
}
