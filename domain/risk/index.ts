/** Portfolio-level risk rules: pure evaluation of the desk's limits over the bots' snapshots. */
export { RULES, decisionKey, evaluatePortfolio, exposureCap, worstCaseBase } from './portfolio.ts';
export type {
  BotRiskSnapshot,
  DecisionInput,
  ExposureSide,
  NetExposure,
  PortfolioAction,
  PortfolioDecision,
  PortfolioEvaluation,
  PortfolioLimits,
  PortfolioMetrics,
  PortfolioRule,
  PositionSnapshot,
} from './portfolio.ts';
