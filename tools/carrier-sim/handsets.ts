import type { Person } from './types.ts';

/** How the far end of a call behaves: an agent's softphone, a department's phone, a survey callee. */
export interface HandsetBehaviour extends Person {
  /** auto: picks up after `afterSeconds`; manual: rings until `sim.answerCall(sid)` or the ring timeout. */
  answer?: 'auto' | 'no-answer' | 'busy' | 'machine' | 'manual';
  /** Seconds of ringing before an auto or machine answer (default 1). */
  afterSeconds?: number;
  /** Hang up when left alone in a conference that had started (default true: a softphone whose caller left). */
  leaveWhenAlone?: boolean;
  /** What happens to an SMS sent to this number (default delivered). */
  smsDelivery?: 'delivered' | 'undelivered' | 'failed';
}

/** The registry tests and the platform's sim mode use to say how each number or client answers. */
export interface HandsetRegistry {
  set(id: string, behaviour: HandsetBehaviour): void;
  get(id: string): HandsetBehaviour;
  delete(id: string): boolean;
  setDefault(behaviour: HandsetBehaviour): void;
  clear(): void;
  list(): Array<{ id: string; behaviour: HandsetBehaviour }>;
}

const DEFAULT_BEHAVIOUR: HandsetBehaviour = { answer: 'auto', afterSeconds: 1, leaveWhenAlone: true };

/** Normalises a handset id: `client:name` as written, phone numbers by their digits (so +8612345 = 8612345). */
export function handsetKey(id: string): string {
  const trimmed = id.trim();
  if (/^client:/i.test(trimmed)) return 'client:' + trimmed.slice(7);
  const digits = trimmed.replace(/[^0-9*#]/g, '');
  return digits || trimmed;
}

/** Builds an empty registry: every handset auto-answers after 1 s until told otherwise. */
export function createHandsetRegistry(): HandsetRegistry {
  const entries = new Map<string, { id: string; behaviour: HandsetBehaviour }>();
  let fallback: HandsetBehaviour = { ...DEFAULT_BEHAVIOUR };
  return {
    set: (id, behaviour) => void entries.set(handsetKey(id), { id, behaviour }),
    get: (id) => ({ ...DEFAULT_BEHAVIOUR, ...fallback, ...entries.get(handsetKey(id))?.behaviour }),
    delete: (id) => entries.delete(handsetKey(id)),
    setDefault: (behaviour) => void (fallback = { ...behaviour }),
    clear: () => {
      entries.clear();
      fallback = { ...DEFAULT_BEHAVIOUR };
    },
    list: () => [...entries.values()],
  };
}
