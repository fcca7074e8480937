/**
 * The desk's config: zod schemas of the file form (snake_case YAML/JSON), their conversion into
 * the domain's types, the loader, and the generated reference.
 */
export { loadConfigFile, parseConfigText, detectFormat } from './load.ts';
export type { ConfigFormat, LoadResult, LoadStage } from './load.ts';
export { validateConfig, formatPath } from './schema/validate.ts';
export type { Violation, ValidationResult, FileForm } from './schema/validate.ts';
export { strategySchema, toEppConfig, MARKETS } from './schema/strategy.ts';
export type { StrategyFile, StrategyInput } from './schema/strategy.ts';
export { instrumentSchema, toInstrumentRules, VENUES } from './schema/instrument.ts';
export type { InstrumentFile, Venue } from './schema/instrument.ts';
export { paperSchema, toPaperConfig } from './schema/paper.ts';
export type { PaperFile } from './schema/paper.ts';
export { botSchema, deskSchema, singleBotSchema, marketDataSchema, toBotConfig, toDeskConfig } from './schema/desk.ts';
export type { BotConfig, BotFile, DeskConfig, DeskFile, MarketDataFile } from './schema/desk.ts';
export { fieldDocs } from './schema/fields.ts';
export type { FieldDoc } from './schema/fields.ts';
export { sections, keysAt } from './schema/walk.ts';
export type { FieldRow, Section } from './schema/walk.ts';
export { renderConfigReference, REFERENCE_PATH } from './schema/reference.ts';
