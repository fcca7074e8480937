/** Actors: run machines and perform the effects they name. */
export { supervise } from './supervise.ts';
export type { EscalateEffect, SuperviseOptions, Supervision } from './supervise.ts';
export { BotRuntime } from './bot-runtime.ts';
export type { BotCommand, BotRuntimeOptions } from './bot-runtime.ts';
export { BotAccount } from './bot-account.ts';
export { Desk, mergeFeeds } from './desk.ts';
export type { DeskOptions, DeskSpeed, StopReason } from './desk.ts';
export { createEventLog } from './event-log.ts';
export type { EventInput, EventLog, EventSinkTarget } from './event-log.ts';
export { ALL_TARGET, startCommandHandler } from './commands.ts';
export type { CommandReply, CommandErrorCode } from './commands.ts';
export type * from './desk-view.ts';
export * from './kill-switch.ts';
