/**
 * Test helper: plays a call through a flow the way the server does — state stored as JSON between turns.
 */
import { startCall, step, type CallFactsInput, type CallInput, type CallState, type Flow, type Step } from '../src/index.ts';

export interface Turn {
  input: CallInput;
  steps: Step[];
  state: CallState;
}

export const DAYTIME = '2025-03-05T10:00:00+08:00'; // a Wednesday, 10:00 in Beijing

/** Starts a call, then feeds `inputs` one by one, round-tripping the state through JSON like the store does. */
export function playCall(flow: Flow, inputs: readonly CallInput[], facts: Partial<CallFactsInput> = {}): Turn[] {
  const first = startCall(flow, { now: DAYTIME, ...facts });
  const turns: Turn[] = [{ input: { kind: 'start' }, ...first }];
  let stored = JSON.stringify(first.state);
  for (const input of inputs) {
    const result = step(flow, JSON.parse(stored) as CallState, input);
    turns.push({ input, ...result });
    stored = JSON.stringify(result.state);
  }
  return turns;
}

/** Every step of the call, flattened, with gather prompts inlined after their gather. */
export function allSteps(turns: readonly Turn[]): Step[] {
  return turns.flatMap((t) => t.steps.flatMap((s): Step[] => (s.kind === 'gather' ? [s, ...s.prompt] : [s])));
}

/** What the caller hears, as text. */
export function heard(turns: readonly Turn[]): string[] {
  return allSteps(turns).flatMap((s) => (s.kind === 'say' ? [s.text] : []));
}

export function lastTurn(turns: readonly Turn[]): Turn {
  const turn = turns.at(-1);
  if (turn === undefined) throw new Error('no turns');
  return turn;
}

export function lastStep(turns: readonly Turn[]): Step | undefined {
  return lastTurn(turns).steps.at(-1);
}
