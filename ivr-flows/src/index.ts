/**
 * Declarative call flows and their pure interpreter.
 *
 * At start-up: `const { flows, warnings } = await loadFlows('ivr-flows/flows', { required: ['hotline'] })`.
 * Per call: `startCall(flow, facts)` for the first steps and state, then `step(flow, state, input)` for
 * each webhook; store `state` (plain JSON) with the call, render `steps` as TwiML.
 */
export {
  DEFAULT_DESKS,
  EMERGENCY_NUMBERS,
  LANGUAGES,
  NODE_KINDS,
  callFactsSchema,
  callInputSchema,
  callStateSchema,
  flowFileSchema,
  type CallFacts,
  type CallFactsInput,
  type CallInput,
  type CallState,
  type DialStep,
  type EnqueueStep,
  type Flow,
  type FlowNode,
  type GatherStep,
  type HangupStep,
  type Language,
  type NodeKind,
  type OutcomeStep,
  type PauseStep,
  type Prompt,
  type RecordStep,
  type SayStep,
  type Step,
  type StepResult,
  type TerminalStep,
  type VoicebotStep,
} from './schema.ts';
export {
  FlowValidationError,
  checkFlowText,
  formatFlowIssue,
  loadFlows,
  parseFlow,
  type FlowIssue,
  type LoadFlowsOptions,
  type LoadedFlows,
  type ParseFlowOptions,
  type ParsedFlow,
} from './load.ts';
export { branchesOnFact, createCallState, isTerminalStep, startCall, step } from './interpret.ts';
