/** XState machines: decide what happens next, name effects, perform no I/O. */
export { orderMachine } from './order.machine.ts';
export type { OrderCtx, OrderEffect, OrderEvent, OrderInput } from './order.machine.ts';
export { REGIME_STATE, regimeMachine } from './regime.machine.ts';
export type { RegimeCtx, RegimeEffect, RegimeEvent, RegimeInput, RegimeStateName } from './regime.machine.ts';
export { opsGuardMachine, withSoftReason } from './ops-guard.machine.ts';
export type { OpsGuardCtx, OpsGuardEffect, OpsGuardEvent } from './ops-guard.machine.ts';
export { backoffDelay, parseRestartPolicy, restartPolicySchema } from './restart-policy.ts';
export type { PolicyResult, PolicyViolation, RestartPolicy } from './restart-policy.ts';
export { decideFailure, restartsInWindow, supervisorMachine } from './supervisor.machine.ts';
export type { ChildRecord, ChildStatus, EscalationReason, FailureDecision, SupervisorCtx, SupervisorEffect, SupervisorEvent, SupervisorInput } from './supervisor.machine.ts';
export { botEppInit, botIdPrefix, botMachine, ownsClientOrderId } from './bot.machine.ts';
export type { BotCtx, BotEffect, BotEvent, BotInput } from './bot.machine.ts';
export * from './kill-switch.machine.ts';
export * from './portfolio-risk.machine.ts';
