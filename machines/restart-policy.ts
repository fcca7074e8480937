/**
 * The supervisor's restart policy as validated data (conventions habit 7): how long to back off
 * before restarting a failed child, and how many restarts a window allows before escalating.
 */
import { z } from 'zod';

const positiveMs = (doc: string) => z.number().int().positive().describe(doc);

const bothNumbers = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)['initial_backoff_ms'] === 'number' && typeof (v as Record<string, unknown>)['max_backoff_ms'] === 'number';

/** The file form of a restart policy; every field is required, ranges checked, extras refused. */
export const restartPolicySchema = z
  .strictObject({
    strategy: z.literal('one_for_one').describe('Which children a failure restarts: only the failed one.'),
    initial_backoff_ms: positiveMs('Delay before the first restart in a window, in ms (> 0).'),
    max_backoff_ms: positiveMs('Cap on the restart delay, in ms (≥ initial_backoff_ms).'),
    multiplier: z.number().min(1).describe('Growth of the delay per restart already in the window (≥ 1).'),
    max_restarts: z.number().int().min(0).describe('Restarts allowed within window_ms before escalating (0 = escalate at once).'),
    window_ms: positiveMs('Sliding window, in ms, over which restarts are counted (> 0).'),
  })
  .superRefine(
    (p, ctx) => {
      if (p.max_backoff_ms < p.initial_backoff_ms) {
        ctx.addIssue({
          code: 'custom',
          path: ['max_backoff_ms'],
          message: `expected ≥ initial_backoff_ms (${p.initial_backoff_ms}), got ${p.max_backoff_ms}`,
        });
      }
    },
    // Run the cross-field check even when other fields failed, so every violation is reported.
    { when: ({ value }) => bothNumbers(value) },
  )
  .describe('Restart policy of a supervisor.');

/** A valid restart policy. */
export type RestartPolicy = Readonly<z.output<typeof restartPolicySchema>>;

/** One problem in a policy: a dotted path (`''` for the whole value) and what was wrong. */
export interface PolicyViolation {
  readonly path: string;
  readonly message: string;
}

/** The policy, or every violation at once. Never throws for bad input. */
export type PolicyResult =
  | { readonly ok: true; readonly policy: RestartPolicy }
  | { readonly ok: false; readonly violations: readonly PolicyViolation[] };

/** Validates `value` as a restart policy, reporting every violation with its path. */
export function parseRestartPolicy(value: unknown): PolicyResult {
  const r = restartPolicySchema.safeParse(value);
  if (r.success) return { ok: true, policy: r.data };
  const violations: PolicyViolation[] = [];
  for (const iss of r.error.issues) {
    const path = iss.path.map(String).join('.');
    // One violation per unknown key, so each has its own path.
    if (iss.code === 'unrecognized_keys') for (const k of iss.keys) violations.push({ path: path ? `${path}.${k}` : k, message: 'unknown key' });
    else violations.push({ path, message: iss.message });
  }
  return { ok: false, violations };
}

/**
 * The delay before a restart when `restartsInWindow` restarts already happened in the window:
 * `initial × multiplier^n`, capped at `max_backoff_ms`.
 */
export function backoffDelay(policy: RestartPolicy, restartsInWindow: number): number {
  const raw = policy.initial_backoff_ms * policy.multiplier ** restartsInWindow;
  return Math.min(Math.round(raw), policy.max_backoff_ms);
}
