/** The caller phone's view of a simulated call, from the relayed simulator steps (`sim_phone.stepped`). */

/** One relayed line: `call`, then `step`s (with the simulator's one-line `text`), then `end`. */
export type PhoneEvent = { callSid: string; event: 'call' | 'step' | 'end'; kind?: string; text?: string; at?: number; status?: string; endedBy?: string };

export type PhoneStatus = 'idle' | 'dialling' | 'inCall' | 'ended';

/** Where the call stands: dialling until the platform names it, in the call until the simulator ends it. */
export function callStatus(dialling: boolean, callSid: string | null, events: PhoneEvent[]): PhoneStatus {
  if (dialling) return 'dialling';
  if (!callSid) return 'idle';
  return events.some((e) => e.event === 'end' || e.kind === 'ended') ? 'ended' : 'inCall';
}

/** What the caller hears (prompts, announcements): shown as the other side of the conversation. */
export function isHeard(event: PhoneEvent): boolean {
  return event.event === 'step' && (event.kind === 'heard' || event.kind === 'played');
}

/** What the caller did (keys, speech): shown as their own side. */
export function isCallerSide(event: PhoneEvent): boolean {
  return event.event === 'step' && (event.kind === 'pressed' || event.kind === 'said');
}
