/**
 * Span attribute names for desk tracing (conventions habit 12: attribute names are constants).
 * Every span attribute the desk sets is named here, so dashboards and queries have one source.
 */

/** The machine's id (`opsGuard`, `order`, …). */
export const ATTR_MACHINE = 'desk.machine';
/** The bot the actor belongs to. */
export const ATTR_BOT_ID = 'desk.bot_id';
/** The state value before the transition (a dotted path for nested states). */
export const ATTR_FROM = 'desk.from';
/** The state value after the transition. */
export const ATTR_TO = 'desk.to';
/** The `type` of the event that caused the transition. */
export const ATTR_EVENT_TYPE = 'desk.event_type';
/** The event's `correlationId`, when it carries one. */
export const ATTR_CORRELATION_ID = 'desk.correlation_id';
