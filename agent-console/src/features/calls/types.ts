/** What the calls API and its socket events carry, as the console reads them (server: modules/calls, routing). */

export type AgentStateName = 'offline' | 'available' | 'ringing' | 'on_call' | 'wrap_up' | 'break';

/** `GET/PUT /api/agents/me/state`. */
export type AgentState = {
  userId: string;
  state: AgentStateName;
  reason: string | null;
  since: string;
  callId: string | null;
  wrapUntil: string | null;
};

export type CallStatus = 'ivr' | 'queued' | 'offering' | 'talking' | 'voicemail' | 'ended';

/** A call as presented by the server: never the clear number, only `callerMasked`. */
export type Call = {
  id: string;
  direction: 'inbound' | 'callback';
  status: CallStatus;
  outcome: string | null;
  callerMasked: string;
  repeatCaller: boolean;
  desk: string | null;
  priority: number;
  language: string;
  callbackRequested: boolean;
  agentId: string | null;
  answeredBy: string | null;
  offeredAt: string;
  queuedAt: string | null;
  answeredAt: string | null;
  abandonedAt: string | null;
  transferredAt: string | null;
  endedAt: string | null;
  waitSeconds: number | null;
  talkSeconds: number | null;
  wrapUpCode: string | null;
  /** Hold and mute as the server keeps them (optional: older payloads lack them). */
  onHold?: boolean;
  heldSince?: string | null;
  holdSeconds?: number;
  agentMuted?: boolean;
  transferTarget: string | null;
  transcript: string | null;
};

export type EarlierCall = { id: string; offeredAt: string; outcome: string | null; desk: string | null; talkSeconds: number | null; wrapUpCode: string | null };

/** Tickets are the work-orders module's; the screen pop shows whatever it sends, by number and title when present. */
export type ScreenPopTicket = { id?: string; number?: string; title?: string; state?: string; createdAt?: string };

export type ScreenPop = { repeatCaller: boolean; earlierCalls: EarlierCall[]; tickets: ScreenPopTicket[] };

/** `GET /api/calls/current`. */
export type CurrentCall = { call: Call | null; offerId: string | null; screenPop: ScreenPop | null };

/** Socket `call.offered`. */
export type CallOffered = { offerId: string; ringTimeoutSeconds: number; call: Call; screenPop: ScreenPop };
/** Socket `call.offer_ended`. */
export type OfferEnded = { offerId: string; callId: string; status: string };
/** Socket `agent.state_changed`. */
export type AgentStateChanged = { userId: string; from: AgentStateName | null; state: AgentStateName; reason: string | null; callId: string | null; at: string };

export type MissedCallStatus = 'open' | 'claimed' | 'calling' | 'completed' | 'failed';

export type MissedCall = {
  id: string;
  callId: string;
  callerMasked: string;
  reason: string;
  status: MissedCallStatus;
  claimedBy: string | null;
  attempts: number;
  lastAttemptAt: string | null;
  callbackCallId: string | null;
  completedAt: string | null;
  result: string | null;
  createdAt: string;
};

export type Voicemail = {
  id: string;
  callId: string;
  recordingSid: string;
  durationSeconds: number;
  transcript: string | null;
  transcriptStatus: 'pending' | 'done' | 'unavailable' | 'failed';
  transcriptError: string | null;
  ticketId: string | null;
  createdAt: string;
  callerMasked: string | null;
};

export type CallDetail = {
  call: Call;
  events: { kind: string; at: string; actorId: string | null; data: unknown }[];
  voicemails: Omit<Voicemail, 'callerMasked'>[];
  recordings: { recordingSid: string; durationSeconds: number; transcript: string | null; transcriptStatus: string; transcriptError: string | null }[];
};

/** `GET /api/telephony/token`. */
export type TelephonyToken = { mode: 'twilio' | 'simulator' | 'unavailable'; identity: string; token: string | null; ttlSeconds: number; message: string | null };
