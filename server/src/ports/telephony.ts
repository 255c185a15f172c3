/**
 * Telephony in the platform's words: what a caller hears and does (voice steps, rendered by the adapter as
 * TwiML), and what the platform does to live calls (ring an agent into a call's conference, move a caller,
 * hold, mute, hang up). The Twilio adapter implements it; in simulator mode the same adapter talks to the
 * local carrier simulator. Modules see only this file.
 */

export type VoiceLanguage = 'zh-CN' | 'en';

export type SayVoiceStep = { kind: 'say'; text: string; language: VoiceLanguage };
export type PauseVoiceStep = { kind: 'pause'; seconds: number };

/** One instruction for a live call leg, in order. Vendor-neutral; URLs are absolute webhook URLs. */
export type VoiceStep =
  | SayVoiceStep
  | PauseVoiceStep
  | {
      kind: 'gather';
      action: string;
      input: Array<'dtmf' | 'speech'>;
      numDigits: number;
      timeoutSeconds: number;
      language: VoiceLanguage;
      hints?: string[];
      prompt: Array<SayVoiceStep | PauseVoiceStep>;
    }
  | { kind: 'redirect'; url: string }
  /** Waits in a named queue; `waitUrl` is fetched in a loop for what the caller hears meanwhile. */
  | { kind: 'enqueue'; queue: string; waitUrl: string; action?: string }
  /** Joins the call's conference. */
  | {
      kind: 'conference';
      name: string;
      label: string;
      startOnEnter: boolean;
      endOnExit: boolean;
      statusCallback?: string;
      record?: boolean;
      recordingStatusCallback?: string;
      action?: string;
    }
  | { kind: 'record'; action: string; maxSeconds: number; recordingStatusCallback?: string }
  | { kind: 'dial'; number: string; record: boolean; action?: string; recordingStatusCallback?: string }
  /** Leaves the queue (inside a wait loop) and goes on with the TwiML after <Enqueue>. */
  | { kind: 'leave' }
  | { kind: 'hangup' };

/** A leg the platform rings into a conference: an agent's softphone or a phone number. */
export type ConferenceDial = {
  conference: string;
  /** `client:agent_<id>` for an agent's softphone, or a phone number. */
  to: string;
  label: string;
  ringTimeoutSeconds: number;
  /** Gets the leg's ringing / answered / completed status callbacks. */
  statusCallback: string;
  /** Conference events (join, leave, hold …), used by the first participant that names it. */
  conferenceStatusCallback?: string;
  endConferenceOnExit?: boolean;
  record?: boolean;
  recordingStatusCallback?: string;
};

/** An outbound call the platform places (surveys). */
export type OutboundCall = {
  /** E.164 number. */
  to: string;
  /** The first document, fetched once the callee answers. */
  url: string;
  /** Gets initiated / ringing / answered / completed for this leg. */
  statusCallback: string;
  ringTimeoutSeconds: number;
  /** Answering-machine detection: the document request then says `AnsweredBy` (human / machine_…). */
  detectMachine: boolean;
};

/** The port. Every method throws `AppError('PROVIDER_FAILED')` when the carrier refuses or cannot be reached. */
export interface TelephonyPort {
  readonly mode: 'twilio' | 'simulator';
  /** The number callers dial and callbacks come from. */
  readonly hotlineNumber: string;
  /** What a leg does next, as the carrier's document (TwiML). */
  renderVoice(steps: VoiceStep[]): string;
  /** Rings a softphone or a phone into a conference (opened on first use). */
  dialIntoConference(input: ConferenceDial): Promise<{ legSid: string; conferenceSid: string | undefined }>;
  /**
   * An outbound call to a citizen (the callback survey): rings `to` from the hotline number, then runs the
   * document at `url`. With `detectMachine`, the first request carries whether a person or a machine answered.
   */
  placeCall(input: OutboundCall): Promise<{ callSid: string }>;
  /**
   * Makes a live leg fetch and run the document at `url` (leave the queue, join a conference). False when the
   * leg has already ended (a caller who hung up first: not a failure).
   */
  redirectCall(callSid: string, url: string): Promise<boolean>;
  /** Ends a leg, ringing or answered. */
  hangupCall(callSid: string): Promise<void>;
  /** Hold (with the hold document at `holdUrl`) or mute a participant of a conference. */
  updateParticipant(conference: { sid?: string | null; name: string }, callSid: string, change: { hold?: boolean; muted?: boolean; holdUrl?: string }): Promise<void>;
  /** Takes a participant out of a conference (their leg then ends). */
  removeParticipant(conference: { sid?: string | null; name: string }, callSid: string): Promise<void>;
  /**
   * What the carrier says about a leg now: its status (queued, ringing, in-progress, completed, busy, failed,
   * no-answer, canceled) and when it ended; `undefined` when the carrier does not know the leg at all.
   * Used to close calls whose final status callback was lost.
   */
  fetchCallStatus(callSid: string): Promise<{ status: string; endedAt: Date | null } | undefined>;
  /** Downloads a recording's audio (WAV). */
  fetchRecording(url: string): Promise<Buffer>;
  /** A Voice SDK access token for an agent's browser softphone, or undefined when API keys are not configured. */
  voiceAccessToken(identity: string, ttlSeconds: number): string | undefined;
}

/**
 * The simulator's softphone, for simulator mode: how an agent's `client:agent_<id>` handset behaves, and
 * answering a ringing leg when no browser softphone is present (the console's answer button).
 */
export interface SimulatedSoftphones {
  register(identity: string, behaviour: { answer: 'manual' | 'auto'; afterSeconds?: number }): Promise<void>;
  answer(legSid: string): Promise<boolean>;
}
