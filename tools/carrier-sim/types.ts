/** What a scripted person is asked at a <Gather>. */
export interface GatherPrompt {
  callSid: string;
  /** What they heard since their last input (the menu prompt). */
  prompt: string;
  input: Array<'dtmf' | 'speech'>;
  numDigits?: number;
}

/** A scripted answer: keys to press, words to say, or nothing (let the Gather time out). */
export type GatherAnswer = string | { press?: string; say?: string } | null | undefined;

/** The behaviour of the person on a call leg: a caller dialling in, or whoever answers an outbound call. */
export interface Person {
  /** Keys for the first Gather(s) that accept DTMF; "2,1" presses 2 at the first and 1 at the second. */
  press?: string;
  /** Speech for the first Gather that accepts speech. */
  say?: string;
  /** Asked at each Gather once press/say are used up. */
  onGather?: (prompt: GatherPrompt) => GatherAnswer | Promise<GatherAnswer>;
  /** Seconds of talk (after reaching a person; for a handset, after answering) before hanging up. */
  hangupAfter?: number;
  /** A caller hangs up if nobody has answered within this many seconds of dialling. */
  holdFor?: number;
  /** Spoken into the first <Record> (a voicemail); then the person presses #. */
  leaveMessage?: string;
  /** What the person says while talking; used to make call recordings (Dial/Conference record). */
  talk?: string;
  /** Input comes from `sim.sendInput(callSid, …)` (the browser caller phone) instead of the script. */
  interactive?: boolean;
}

/** A caller's script for `sim.placeCall`. */
export interface CallerScript extends Person {
  from: string;
  /** Defaults to the hotline number. */
  to?: string;
}
