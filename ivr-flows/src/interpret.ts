/**
 * The call-flow interpreter: (flow, call state, input) → steps for the telephony adapter and the next state.
 *
 * Pure: no clock, no I/O, no randomness, and the state passed in is never changed. The server stores the
 * returned state per call and passes it back with the caller's next input.
 *
 * The one promise callers rely on: `step` never leaves a caller in silence. Every answer ends with a step
 * that waits for the caller (gather, record, voicebot) or hands the call on (enqueue, dial, hangup); and any
 * failure inside the flow — an unknown node, retries used up without a default, an input the node cannot
 * take, a corrupt state, a thrown error — becomes an apology and the flow's fallback queue (the general desk).
 */
import { collectHints, matchDigits, matchSpeech, type Choice } from './match.ts';
import { isOpen } from './hours.ts';
import { renderPrompt } from './prompts.ts';
import {
  DEFAULT_APOLOGY,
  DEFAULT_INVALID_PROMPT,
  EMERGENCY_NUMBERS,
  LANGUAGES,
  callFactsSchema,
  callInputSchema,
  callStateSchema,
  type CallFacts,
  type CallFactsInput,
  type CallInput,
  type CallState,
  type Condition,
  type Flow,
  type FlowNode,
  type GatherStep,
  type Language,
  type MenuNode,
  type Prompt,
  type RatingNode,
  type Step,
  type StepResult,
  type TerminalStep,
} from './schema.ts';

/** Nodes entered in one call of `step` before the interpreter decides the flow is looping. */
const MAX_HOPS = 64;
/** Entries kept in `state.path`. */
const PATH_LIMIT = 200;

const WAITING_KINDS: ReadonlySet<Step['kind']> = new Set(['gather', 'record', 'voicebot']);
const TERMINAL_KINDS: ReadonlySet<Step['kind']> = new Set(['enqueue', 'dial', 'hangup']);

/** A problem inside the flow; it sends the caller to the fallback queue. */
class FlowFailure extends Error {
  readonly node: string | undefined;

  constructor(message: string, node?: string) {
    super(message);
    this.name = 'FlowFailure';
    this.node = node;
  }
}

/** The work of one `step` call: steps said so far and the state being built. */
interface Run {
  readonly flow: Flow;
  readonly steps: Step[];
  state: CallState;
}

/** A fresh state for a call about to enter `flow`, in the caller's known language or the flow's. */
export function createCallState(flow: Flow, facts: CallFacts): CallState {
  return {
    version: 1,
    flowId: flow.id,
    status: 'active',
    node: flow.start,
    retries: 0,
    language: facts.language ?? flow.language,
    facts,
    outcomes: {},
    recordings: [],
    path: [],
  };
}

/**
 * Starts a call: validates the facts, builds the state and enters the start node. Bad facts are a failure
 * like any other: the caller hears the apology and is queued.
 */
export function startCall(flow: Flow, facts: CallFactsInput): StepResult {
  const parsed = callFactsSchema.safeParse(facts);
  if (!parsed.success) {
    return fallBack(flow, salvageState(flow, facts), [], `invalid call facts: ${parsed.error.issues[0]?.message ?? ''}`);
  }
  let state: CallState;
  try {
    state = createCallState(flow, parsed.data);
  } catch (error) {
    // Only a broken flow object gets here; the promise still holds.
    return fallBack(flow, salvageState(flow, parsed.data), [], error instanceof Error ? error.message : String(error));
  }
  return step(flow, state, { kind: 'start' });
}

/**
 * Advances a call by one input. `{kind:'start'}` enters the current node: the start node of a fresh state,
 * or the node the caller is at when the server asks again (a retried webhook), keeping its retry count.
 * A call that has ended answers with the step that ended it.
 */
export function step(flow: Flow, state: CallState, input: CallInput): StepResult {
  let run: Run | undefined;
  try {
    const stored = callStateSchema.safeParse(state);
    if (!stored.success) throw new FlowFailure(`corrupt call state: ${stored.error.issues[0]?.message ?? ''}`);
    // zod hands back a copy, so the caller's object is never changed.
    run = { flow, steps: [], state: stored.data };
    if (run.state.flowId !== flow.id) {
      throw new FlowFailure(`the state belongs to flow "${run.state.flowId}", not "${flow.id}"`);
    }
    if (run.state.status === 'ended') {
      if (run.state.final === undefined) throw new FlowFailure('the call ended without a final step');
      return { steps: [{ ...run.state.final }], state: run.state };
    }
    const parsedInput = callInputSchema.safeParse(input);
    if (!parsedInput.success) throw new FlowFailure(`invalid input: ${parsedInput.error.issues[0]?.message ?? ''}`, run.state.node);
    if (parsedInput.data.kind === 'start') {
      enterNode(run, run.state.node, run.state.path.length > 0);
    } else {
      takeInput(run, parsedInput.data);
    }
    checkHandedOn(run);
    return { steps: run.steps, state: run.state };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const node = error instanceof FlowFailure ? error.node : run?.state.node;
    return fallBack(flow, run?.state ?? salvageState(flow, state), run?.steps ?? [], reason, node);
  }
}

/**
 * True when some branch of the flow tests `fact`. A fact no branch tests cannot change what a call hears, only
 * what its state records: the server may then learn it after answering (the repeat-caller check joins the
 * statement that records the call).
 */
export function branchesOnFact(flow: Flow, fact: 'callerBlocked' | 'repeatCaller' | 'holiday' | 'language'): boolean {
  return Object.values(flow.nodes).some((node) => node.kind === 'branch' && node.cases.some((c) => c.when.fact === fact));
}

/** True when `step` is the kind that ends the flow's part in a call. */
export function isTerminalStep(step: Step): step is TerminalStep {
  return TERMINAL_KINDS.has(step.kind);
}

/** Enters `nodeId` and follows nodes that need no input until one waits for the caller or ends the flow. */
function enterNode(run: Run, nodeId: string, resumed = false): void {
  let id = nodeId;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const node = findNode(run.flow, id);
    const state = run.state;
    if (!(resumed && hop === 0)) {
      state.retries = 0;
      state.path.push(id);
      if (state.path.length > PATH_LIMIT) state.path.splice(0, state.path.length - PATH_LIMIT);
    }
    state.node = id;
    switch (node.kind) {
      case 'say':
        say(run, node.prompt);
        if (node.pauseAfterSeconds !== undefined) run.steps.push({ kind: 'pause', seconds: node.pauseAfterSeconds });
        id = node.next;
        continue;
      case 'branch':
        id = node.cases.find((c) => holds(c.when, state))?.next ?? node.default;
        continue;
      case 'hours':
        id = isOpen(node, new Date(state.facts.now), state.facts.holiday) ? node.open : node.closed;
        continue;
      case 'menu':
      case 'rating':
        run.steps.push(buildGather(node, node.kind === 'menu' ? node.options : node.choices, state.language));
        return;
      case 'voicemail':
      case 'record':
        say(run, node.prompt);
        run.steps.push({ kind: 'record', maxSeconds: node.maxSeconds, purpose: node.kind === 'voicemail' ? 'voicemail' : 'comment' });
        return;
      case 'voicebot':
        if (node.prompt !== undefined) say(run, node.prompt);
        run.steps.push({ kind: 'voicebot', language: state.language });
        return;
      case 'queue':
        if (node.prompt !== undefined) say(run, node.prompt);
        finish(run, { kind: 'enqueue', desk: node.desk, priority: node.priority });
        return;
      case 'transfer':
        say(run, node.prompt);
        finish(run, {
          kind: 'dial',
          number: node.number,
          record: true,
          purpose: EMERGENCY_NUMBERS.includes(node.number) ? 'emergency-transfer' : 'outside-transfer',
        });
        return;
      case 'hangup':
        if (node.prompt !== undefined) say(run, node.prompt);
        finish(run, { kind: 'hangup' });
        return;
    }
  }
  throw new FlowFailure(`more than ${MAX_HOPS} nodes in a row without input`, id);
}

/** Applies the caller's input to the node the call is waiting at. */
function takeInput(run: Run, input: Exclude<CallInput, { kind: 'start' }>): void {
  const node = findNode(run.flow, run.state.node);
  switch (node.kind) {
    case 'menu':
      takeMenuInput(run, node, input);
      return;
    case 'rating':
      takeRatingInput(run, node, input);
      return;
    case 'voicemail':
    case 'record': {
      if (input.kind === 'recorded') {
        if (input.durationSeconds > 0) {
          const purpose = node.kind === 'voicemail' ? 'voicemail' : 'comment';
          run.state.recordings.push({ node: run.state.node, purpose, recordingId: input.recordingId, durationSeconds: input.durationSeconds });
          recordOutcome(run, node.outcome ?? purpose, input.recordingId);
        }
      } else if (input.kind !== 'timeout') {
        throw unexpected(run, node, input);
      }
      // An empty recording or silence is allowed: leaving a message or a comment is optional.
      enterNode(run, node.next);
      return;
    }
    case 'voicebot': {
      if (input.kind === 'bot') {
        if (input.result === 'wants-agent') enterNode(run, node.wantsAgent);
        else if (input.result === 'unavailable') enterNode(run, node.unavailable);
        else if (node.resolved !== undefined) enterNode(run, node.resolved);
        else finish(run, { kind: 'hangup' });
      } else if (input.kind === 'timeout') {
        // The bot never answered: treat it as unavailable rather than leave the caller waiting.
        enterNode(run, node.unavailable);
      } else {
        throw unexpected(run, node, input);
      }
      return;
    }
    default:
      throw new FlowFailure(`node "${run.state.node}" (${node.kind}) does not wait for input`, run.state.node);
  }
}

type Heard = { kind: 'choice'; index: number } | { kind: 'silence' } | { kind: 'unmatched'; speech: boolean };

/** Which choice the caller made, if any. */
function hear(run: Run, node: MenuNode | RatingNode, choices: readonly Choice[], input: Exclude<CallInput, { kind: 'start' }>): Heard {
  switch (input.kind) {
    case 'timeout':
      return { kind: 'silence' };
    case 'digits': {
      const index = matchDigits(choices, input.digits);
      return index >= 0 ? { kind: 'choice', index } : { kind: 'unmatched', speech: false };
    }
    case 'speech': {
      if (input.text.trim() === '') return { kind: 'silence' };
      const index = input.confidence >= node.minConfidence ? matchSpeech(choices, input.text) : -1;
      return index >= 0 ? { kind: 'choice', index } : { kind: 'unmatched', speech: true };
    }
    default:
      throw unexpected(run, node, input);
  }
}

function takeMenuInput(run: Run, node: MenuNode, input: Exclude<CallInput, { kind: 'start' }>): void {
  const heard = hear(run, node, node.options, input);
  if (heard.kind === 'choice') {
    const option = node.options[heard.index];
    if (option === undefined) throw new FlowFailure('menu option out of range', run.state.node);
    if (option.language !== undefined) run.state.language = option.language;
    enterNode(run, option.next);
    return;
  }
  if (heard.kind === 'silence' && node.noInput !== undefined) {
    enterNode(run, node.noInput);
    return;
  }
  if (heard.kind === 'unmatched' && heard.speech && node.speechNoMatch !== undefined) {
    enterNode(run, node.speechNoMatch);
    return;
  }
  askAgain(run, node, node.options, heard, () => {
    if (node.default === undefined) {
      throw new FlowFailure(`no valid choice after ${node.retries + 1} tries`, run.state.node);
    }
    enterNode(run, node.default);
  });
}

function takeRatingInput(run: Run, node: RatingNode, input: Exclude<CallInput, { kind: 'start' }>): void {
  const heard = hear(run, node, node.choices, input);
  if (heard.kind === 'choice') {
    const choice = node.choices[heard.index];
    const next = choice?.next ?? node.next;
    if (choice === undefined || next === undefined) throw new FlowFailure('rating choice has nowhere to go', run.state.node);
    recordOutcome(run, node.outcome, choice.value);
    enterNode(run, next);
    return;
  }
  askAgain(run, node, node.choices, heard, () => {
    recordOutcome(run, node.outcome, node.noAnswer.value);
    enterNode(run, node.noAnswer.next);
  });
}

/** Asks the same question again while retries remain; otherwise gives up the way the node says. */
function askAgain(run: Run, node: MenuNode | RatingNode, choices: readonly Choice[], heard: Heard, giveUp: () => void): void {
  if (run.state.retries >= node.retries) {
    giveUp();
    return;
  }
  run.state.retries += 1;
  const preface = heard.kind === 'silence' ? node.noInputPrompt : (node.invalidPrompt ?? DEFAULT_INVALID_PROMPT);
  if (preface !== undefined) say(run, preface);
  run.steps.push(buildGather(node, choices, run.state.language));
}

function buildGather(node: MenuNode | RatingNode, choices: readonly Choice[], language: Language): GatherStep {
  const keyLength = Math.max(1, ...choices.map((c) => c.key?.length ?? 0));
  const gather: GatherStep = {
    kind: 'gather',
    input: [...node.input],
    numDigits: keyLength,
    timeoutSeconds: node.timeoutSeconds,
    language,
    prompt: renderPrompt(node.prompt, language),
  };
  const hints = node.input.includes('speech') ? collectHints(choices) : [];
  if (hints.length > 0) gather.hints = hints;
  return gather;
}

function holds(condition: Condition, state: CallState): boolean {
  switch (condition.fact) {
    case undefined:
      return condition.outcome !== undefined && state.outcomes[condition.outcome] === condition.equals;
    case 'language':
      // The call's language now, so a branch after the English choice sees `en`.
      return state.language === condition.equals;
    default:
      return state.facts[condition.fact] === condition.equals;
  }
}

function say(run: Run, prompt: Prompt): void {
  run.steps.push(...renderPrompt(prompt, run.state.language));
}

function recordOutcome(run: Run, name: string, value: string): void {
  run.state.outcomes[name] = value;
  run.steps.push({ kind: 'outcome', name, value });
}

function finish(run: Run, final: TerminalStep): void {
  run.steps.push(final);
  run.state.status = 'ended';
  // A copy, so a caller who edits the returned steps cannot change the stored state.
  run.state.final = { ...final };
}

function findNode(flow: Flow, id: string): FlowNode {
  // Own properties only: a node called "constructor" must not find Object.prototype.constructor.
  const node = Object.hasOwn(flow.nodes, id) ? flow.nodes[id] : undefined;
  if (node === undefined) throw new FlowFailure(`node "${id}" does not exist`, id);
  return node;
}

function unexpected(run: Run, node: FlowNode, input: CallInput): FlowFailure {
  return new FlowFailure(`node "${run.state.node}" (${node.kind}) cannot take ${input.kind} input`, run.state.node);
}

/** The promise in the module comment, checked rather than assumed: a broken answer becomes a failure. */
function checkHandedOn(run: Run): void {
  const last = run.steps.at(-1);
  if (last === undefined) throw new FlowFailure('the flow produced no steps', run.state.node);
  const expected = run.state.status === 'ended' ? TERMINAL_KINDS : WAITING_KINDS;
  if (!expected.has(last.kind)) {
    throw new FlowFailure(`the flow stopped on a ${last.kind} step while ${run.state.status}`, run.state.node);
  }
}

/**
 * The apology and the fallback queue. Written to work with a broken flow and a broken state too: it reads
 * them defensively and falls back to built-in defaults.
 */
function fallBack(flow: Flow, state: CallState, emitted: readonly Step[], reason: string, node?: string): StepResult {
  const language: Language = LANGUAGES.includes(state.language) ? state.language : 'zh-CN';
  let apology = renderPrompt(DEFAULT_APOLOGY, language);
  let desk = 'general';
  let priority = 0;
  try {
    apology = renderPrompt(flow.fallback.prompt, language);
    desk = typeof flow.fallback.desk === 'string' ? flow.fallback.desk : desk;
    priority = typeof flow.fallback.priority === 'number' ? flow.fallback.priority : priority;
  } catch {
    // A hand-built flow without a usable fallback still gets the built-in apology and the general desk.
  }
  const final: TerminalStep = { kind: 'enqueue', desk, priority };
  // Keep what was already said or recorded this turn; drop anything that would wait or end the call.
  const kept = emitted.filter((s) => s.kind === 'say' || s.kind === 'pause' || s.kind === 'outcome');
  const failure = node === undefined ? { reason } : { reason, node };
  return {
    steps: [...kept, ...apology, final],
    state: { ...state, language, status: 'ended', final: { ...final }, failure },
  };
}

/** A usable state from whatever the server passed, for the fallback path only. */
function salvageState(flow: Flow, raw: unknown): CallState {
  const source = typeof raw === 'object' && raw !== null ? (raw as Partial<CallState> & Partial<CallFacts>) : {};
  const facts = callFactsSchema.safeParse(source.facts ?? source);
  const language = [source.language, facts.success ? facts.data.language : undefined].find(
    (l): l is Language => LANGUAGES.includes(l as Language),
  );
  return {
    version: 1,
    flowId: typeof flow?.id === 'string' ? flow.id : 'unknown',
    status: 'active',
    node: typeof source.node === 'string' ? source.node : '',
    retries: 0,
    language: language ?? 'zh-CN',
    facts: facts.success ? facts.data : { now: new Date(0).toISOString(), callerBlocked: false, repeatCaller: false, holiday: false },
    outcomes: {},
    recordings: [],
    path: [],
  };
}
