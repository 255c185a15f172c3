/**
 * The TelephonyPort over Twilio's REST API (calls, conferences, participants, recordings) and the Voice SDK
 * access tokens. In simulator mode the same client talks to the local carrier simulator, and
 * `createSimulatedSoftphones` drives the simulator's handsets for agents without a browser softphone.
 */
import twilio from 'twilio';
import { AppError } from '../../platform/errors.ts';
import type { ConferenceDial, SimulatedSoftphones, TelephonyPort } from '../../ports/telephony.ts';
import type { TwilioConnection } from './client.ts';
import { renderVoiceResponse } from './twiml.ts';

export type VoiceTokenSettings = { apiKeySid?: string; apiKeySecret?: string; twimlAppSid?: string };

/** Wraps a REST failure so services see one error, with Twilio's own code kept for the log. */
function providerFailed(what: string, error: unknown): AppError {
  return new AppError('PROVIDER_FAILED', { params: { provider: `Twilio ${what}` }, cause: error });
}

/** Twilio answers 404/20404 for a leg or participant that has already gone: for hang-ups that is success. */
function isGone(error: unknown): boolean {
  const e = error as { status?: number; code?: number };
  return e?.status === 404 || e?.code === 20404 || e?.code === 21220;
}

export function createTwilioTelephony(connection: TwilioConnection, options: { mode: 'twilio' | 'simulator'; voice?: VoiceTokenSettings }): TelephonyPort {
  const { client } = connection;
  const conferenceRef = async (conference: { sid?: string | null; name: string }): Promise<string> => {
    if (conference.sid) return conference.sid;
    const found = await client.conferences.list({ friendlyName: conference.name, status: 'in-progress', limit: 1 });
    const init = found[0] ?? (await client.conferences.list({ friendlyName: conference.name, status: 'init', limit: 1 }))[0];
    if (!init) throw new AppError('CONFLICT', { params: { detail: 'conference not found' } });
    return init.sid;
  };
  return {
    mode: options.mode,
    hotlineNumber: connection.hotlineNumber,
    renderVoice: renderVoiceResponse,

    async dialIntoConference(input: ConferenceDial) {
      try {
        const participant = await client.conferences(input.conference).participants.create({
          from: connection.hotlineNumber,
          to: input.to,
          label: input.label,
          timeout: input.ringTimeoutSeconds,
          startConferenceOnEnter: true,
          endConferenceOnExit: input.endConferenceOnExit ?? false,
          beep: 'false',
          statusCallback: input.statusCallback,
          statusCallbackMethod: 'POST',
          statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
          ...(input.conferenceStatusCallback
            ? { conferenceStatusCallback: input.conferenceStatusCallback, conferenceStatusCallbackEvent: ['start', 'end', 'join', 'leave', 'hold', 'mute'] }
            : {}),
          ...(input.record ? { conferenceRecord: 'record-from-start', ...(input.recordingStatusCallback ? { conferenceRecordingStatusCallback: input.recordingStatusCallback } : {}) } : {}),
        });
        return { legSid: participant.callSid, conferenceSid: participant.conferenceSid || undefined };
      } catch (error) {
        throw providerFailed('participants.create', error);
      }
    },

    async placeCall(input) {
      try {
        const call = await client.calls.create({
          to: input.to,
          from: connection.hotlineNumber,
          url: input.url,
          method: 'POST',
          timeout: input.ringTimeoutSeconds,
          statusCallback: input.statusCallback,
          statusCallbackMethod: 'POST',
          statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
          ...(input.detectMachine ? { machineDetection: 'Enable' } : {}),
        });
        return { callSid: call.sid };
      } catch (error) {
        throw providerFailed('calls.create', error);
      }
    },

    async redirectCall(callSid, url) {
      try {
        await client.calls(callSid).update({ url, method: 'POST' });
        return true;
      } catch (error) {
        if (isGone(error)) return false;
        throw providerFailed('calls.update', error);
      }
    },

    async hangupCall(callSid) {
      try {
        await client.calls(callSid).update({ status: 'completed' });
      } catch (error) {
        if (isGone(error)) return;
        throw providerFailed('calls.update', error);
      }
    },

    async updateParticipant(conference, callSid, change) {
      try {
        const sid = await conferenceRef(conference);
        await client.conferences(sid).participants(callSid).update({
          ...(change.hold !== undefined ? { hold: change.hold } : {}),
          ...(change.muted !== undefined ? { muted: change.muted } : {}),
          ...(change.holdUrl ? { holdUrl: change.holdUrl, holdMethod: 'POST' } : {}),
        });
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw providerFailed('participants.update', error);
      }
    },

    async removeParticipant(conference, callSid) {
      try {
        const sid = await conferenceRef(conference);
        await client.conferences(sid).participants(callSid).remove();
      } catch (error) {
        if (isGone(error)) return;
        if (error instanceof AppError) throw error;
        throw providerFailed('participants.remove', error);
      }
    },

    async fetchCallStatus(callSid) {
      try {
        const call = await client.calls(callSid).fetch();
        const endedAt = call.endTime ? new Date(call.endTime) : null;
        return { status: call.status, endedAt: endedAt && !Number.isNaN(endedAt.getTime()) ? endedAt : null };
      } catch (error) {
        if (isGone(error)) return undefined;
        throw providerFailed('calls.fetch', error);
      }
    },

    async fetchRecording(url) {
      // Recording media is fetched with the account's credentials (required when media auth is on).
      const wavUrl = /\.(wav|mp3)$/.test(url) ? url : `${url}.wav`;
      const auth = 'Basic ' + Buffer.from(`${connection.accountSid}:${connection.authToken}`).toString('base64');
      const response = await fetch(options.mode === 'simulator' ? url : wavUrl, { headers: { authorization: auth }, signal: AbortSignal.timeout(30_000) });
      if (!response.ok) throw providerFailed(`recording ${response.status}`, undefined);
      return Buffer.from(await response.arrayBuffer());
    },

    voiceAccessToken(identity, ttlSeconds) {
      const voice = options.voice;
      if (options.mode !== 'twilio' || !voice?.apiKeySid || !voice.apiKeySecret || !voice.twimlAppSid) return undefined;
      const { AccessToken } = twilio.jwt;
      const token = new AccessToken(connection.accountSid, voice.apiKeySid, voice.apiKeySecret, { identity, ttl: ttlSeconds });
      token.addGrant(new AccessToken.VoiceGrant({ outgoingApplicationSid: voice.twimlAppSid, incomingAllow: true }));
      return token.toJwt();
    },
  };
}

/** The simulator's handsets through its loopback control API, so any platform process can reach them. */
export function createSimulatedSoftphones(simulatorUrl: string): SimulatedSoftphones {
  return {
    async register(identity, behaviour) {
      const response = await fetch(`${simulatorUrl}/sim/handsets/${encodeURIComponent(`client:${identity}`)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ answer: behaviour.answer, afterSeconds: behaviour.afterSeconds ?? 1 }),
      });
      if (!response.ok) throw providerFailed('simulator handset', undefined);
    },
    async answer(legSid) {
      const response = await fetch(`${simulatorUrl}/sim/calls/${encodeURIComponent(legSid)}/answer`, { method: 'POST' });
      if (!response.ok) return false;
      return ((await response.json()) as { accepted: boolean }).accepted;
    },
  };
}
