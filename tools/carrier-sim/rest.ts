import type { Request, Response } from 'express';
import {
  addParticipant,
  endConference,
  createLeg,
  openConference,
  playOnce,
  redirectLeg,
  hangupLeg,
  removeParticipant,
  startOutboundCall,
  startParticipantCall,
  summarise,
  updateParticipant,
} from './engine.ts';
import type { Conference, Leg, Participant, Recording, SimContext } from './engine.ts';
import { formatTwilioDate, newSid, toE164 } from './ids.ts';
import { sendSignedWebhook } from './webhook.ts';

/**
 * The part of Twilio's REST API (2010-04-01) the platform calls, answered from the simulator's state with
 * Twilio's JSON shapes and error bodies, behind HTTP basic auth (AccountSid:AuthToken).
 */

/** An SMS the simulator has seen: sent by the platform (outbound-api) or by a simulated phone (inbound). */
export interface SimMessage {
  sid: string;
  from: string;
  to: string;
  body: string;
  direction: 'outbound-api' | 'inbound' | 'outbound-reply';
  status: 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'received';
  createdAt: number;
  updatedAt: number;
  statusCallback?: string;
}

/** A fault to inject into the next matching REST requests. */
export interface Fault {
  /** Matched against the request path, e.g. /Calls/ or '/Messages.json'. */
  path: RegExp | string;
  method?: string;
  /** An HTTP status to answer with, or 'timeout' to never answer. */
  status: number | 'timeout';
  /** How many requests to fail (default 1). */
  times?: number;
}

/** Mutable REST-side state beside the engine's. */
export interface RestState {
  messages: SimMessage[];
  faults: Array<Required<Pick<Fault, 'status'>> & { path: RegExp | string; method?: string; left: number }>;
  stalled: Set<Response>;
}

type Form = Record<string, string | string[] | undefined>;

const API = '/2010-04-01';

/** A Twilio error body: {code, message, more_info, status}. */
export function sendTwilioError(res: Response, status: number, code: number, message: string): void {
  res.status(status).json({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

function str(form: Form, key: string): string | undefined {
  const v = form[key];
  return Array.isArray(v) ? v[0] : v;
}

function list(form: Form, key: string): string[] {
  const v = form[key];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(/[\s,]+/)).filter(Boolean);
}

function bool(form: Form, key: string): boolean | undefined {
  const v = str(form, key);
  return v === undefined ? undefined : v.toLowerCase() === 'true';
}

function accountUri(ctx: SimContext): string {
  return `${API}/Accounts/${ctx.accountSid}`;
}

function callJson(ctx: SimContext, leg: Leg): object {
  const s = summarise(ctx, leg);
  const uri = `${accountUri(ctx)}/Calls/${leg.sid}.json`;
  return {
    sid: leg.sid,
    date_created: formatTwilioDate(leg.createdAt),
    date_updated: formatTwilioDate(leg.endAt ?? leg.startAt ?? leg.createdAt),
    parent_call_sid: leg.parentCallSid ?? null,
    account_sid: leg.accountSid,
    to: leg.to,
    to_formatted: leg.to,
    from: leg.from,
    from_formatted: leg.from,
    phone_number_sid: null,
    status: leg.status,
    start_time: formatTwilioDate(leg.startAt),
    end_time: formatTwilioDate(leg.endAt),
    duration: leg.endAt !== undefined ? String(s.durationSeconds) : null,
    price: null,
    price_unit: 'USD',
    direction: leg.direction,
    answered_by: leg.answeredBy ?? null,
    api_version: '2010-04-01',
    forwarded_from: null,
    group_sid: null,
    caller_name: null,
    queue_time: '0',
    trunk_sid: null,
    uri,
    subresource_uris: {
      recordings: uri.replace('.json', '/Recordings.json'),
      notifications: uri.replace('.json', '/Notifications.json'),
    },
  };
}

function messageJson(ctx: SimContext, m: SimMessage): object {
  return {
    sid: m.sid,
    account_sid: ctx.accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: formatTwilioDate(m.createdAt),
    date_updated: formatTwilioDate(m.updatedAt),
    date_sent: m.status === 'queued' ? null : formatTwilioDate(m.updatedAt),
    direction: m.direction,
    error_code: m.status === 'undelivered' || m.status === 'failed' ? 30003 : null,
    error_message: null,
    from: m.from,
    to: m.to,
    messaging_service_sid: null,
    num_media: '0',
    num_segments: String(Math.max(1, Math.ceil(m.body.length / 70))),
    price: null,
    price_unit: 'USD',
    status: m.status,
    subresource_uris: { media: `${accountUri(ctx)}/Messages/${m.sid}/Media.json` },
    uri: `${accountUri(ctx)}/Messages/${m.sid}.json`,
  };
}

function conferenceJson(ctx: SimContext, c: Conference): object {
  const uri = `${accountUri(ctx)}/Conferences/${c.sid}.json`;
  return {
    account_sid: c.accountSid,
    api_version: '2010-04-01',
    date_created: formatTwilioDate(c.createdAt),
    date_updated: formatTwilioDate(c.updatedAt),
    friendly_name: c.name,
    region: 'us1',
    sid: c.sid,
    status: c.status,
    uri,
    subresource_uris: { participants: uri.replace('.json', '/Participants.json'), recordings: uri.replace('.json', '/Recordings.json') },
    reason_conference_ended: c.reasonEnded ?? null,
    call_sid_ending_conference: c.callSidEnding ?? null,
  };
}

function participantJson(ctx: SimContext, p: Participant): object {
  return {
    account_sid: ctx.accountSid,
    call_sid: p.leg.sid,
    label: p.label ?? null,
    call_sid_to_coach: null,
    coaching: false,
    conference_sid: p.conference.sid,
    date_created: formatTwilioDate(p.createdAt),
    date_updated: formatTwilioDate(p.updatedAt),
    end_conference_on_exit: p.endOnExit,
    muted: p.muted,
    hold: p.hold,
    start_conference_on_enter: p.startOnEnter,
    status: p.status,
    queue_time: null,
    uri: `${accountUri(ctx)}/Conferences/${p.conference.sid}/Participants/${p.leg.sid}.json`,
  };
}

function recordingJson(ctx: SimContext, r: Recording): object {
  const uri = `${accountUri(ctx)}/Recordings/${r.sid}.json`;
  return {
    account_sid: r.accountSid,
    api_version: '2010-04-01',
    call_sid: r.callSid,
    conference_sid: r.conferenceSid ?? null,
    date_created: formatTwilioDate(r.createdAt),
    date_updated: formatTwilioDate(r.createdAt),
    start_time: formatTwilioDate(r.createdAt),
    duration: String(r.durationSeconds),
    sid: r.sid,
    price: null,
    price_unit: 'USD',
    status: 'completed',
    channels: 1,
    source: r.source,
    error_code: null,
    uri,
    encryption_details: null,
    subresource_uris: {},
    media_url: `${ctx.baseUrl}${accountUri(ctx)}/Recordings/${r.sid}`,
  };
}

/** Answers a list request with Twilio's paging envelope (Page/PageSize honoured, next_page_uri when more). */
function sendPage(res: Response, req: Request, key: string, items: object[]): void {
  const form = req.query as Form;
  const pageSize = Math.min(1000, Math.max(1, Number(str(form, 'PageSize') ?? 50) || 50));
  const page = Math.max(0, Number(str(form, 'Page') ?? 0) || 0);
  const start = page * pageSize;
  const slice = items.slice(start, start + pageSize);
  const base = req.path;
  const query = (p: number): string => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) if (k !== 'Page' && k !== 'PageSize' && typeof v === 'string') q.set(k, v);
    q.set('PageSize', String(pageSize));
    q.set('Page', String(p));
    return `${base}?${q.toString()}`;
  };
  res.json({
    [key]: slice,
    end: start + Math.max(0, slice.length - 1),
    first_page_uri: query(0),
    next_page_uri: start + pageSize < items.length ? query(page + 1) : null,
    previous_page_uri: page > 0 ? query(page - 1) : null,
    page,
    page_size: pageSize,
    start,
    uri: query(page),
  });
}

function newestFirst<T extends { createdAt: number }>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => b.createdAt - a.createdAt);
}

function notFound(res: Response, req: Request): void {
  sendTwilioError(res, 404, 20404, `The requested resource ${req.path} was not found`);
}

/** Checks basic auth; answers 401 (code 20003) and returns false when it does not match. */
export function checkBasicAuth(ctx: SimContext, req: Request, res: Response): boolean {
  const header = req.headers.authorization ?? '';
  const m = /^Basic\s+(.+)$/i.exec(header);
  const decoded = m?.[1] ? Buffer.from(m[1], 'base64').toString('utf8') : '';
  const sep = decoded.indexOf(':');
  if (sep < 0 || decoded.slice(0, sep) !== ctx.accountSid || decoded.slice(sep + 1) !== ctx.authToken) {
    res.setHeader('WWW-Authenticate', 'Basic realm="Twilio API"');
    sendTwilioError(res, 401, 20003, 'Authenticate');
    return false;
  }
  return true;
}

/** Takes the next matching fault, if any, and applies it. Returns true when the request was consumed. */
export function applyFault(state: RestState, req: Request, res: Response): boolean {
  const i = state.faults.findIndex(
    (f) => (typeof f.path === 'string' ? req.path.includes(f.path) : f.path.test(req.path)) && (!f.method || f.method.toUpperCase() === req.method),
  );
  const fault = state.faults[i];
  if (!fault) return false;
  fault.left -= 1;
  if (fault.left <= 0) state.faults.splice(i, 1);
  if (fault.status === 'timeout') {
    // Never answer: the client's own timeout fires. The socket is destroyed when the simulator stops.
    state.stalled.add(res);
    res.on('close', () => state.stalled.delete(res));
    return true;
  }
  sendTwilioError(res, fault.status, fault.status >= 500 ? 20500 : 20001, fault.status >= 500 ? 'Internal Server Error' : 'Injected fault');
  return true;
}

type Handler = (req: Request, res: Response, m: RegExpExecArray) => unknown;

/** Builds the request handler for everything under /2010-04-01/Accounts/{AccountSid}/. */
export function createRestHandler(ctx: SimContext, state: RestState): (req: Request, res: Response) => Promise<void> {
  const routes: Array<[string, RegExp, Handler]> = [];
  const route = (method: string, pattern: string, h: Handler): void => void routes.push([method, new RegExp(`^${pattern}$`), h]);
  const findCall = (sid: string | undefined): Leg | undefined => (sid ? ctx.calls.get(sid) : undefined);
  const findConference = (id: string | undefined): Conference | undefined => (id ? ctx.conferences.get(id) : undefined);
  const findParticipant = (c: Conference, id: string | undefined): Participant | undefined => c.participants.find((p) => p.leg.sid === id || (p.label !== undefined && p.label === id));

  // Calls ---------------------------------------------------------------------------------------------
  route('POST', '/Calls\\.json', (req, res) => {
    const f = req.body as Form;
    const to = str(f, 'To');
    const from = str(f, 'From');
    const url = str(f, 'Url');
    const twiml = str(f, 'Twiml');
    if (!to) return sendTwilioError(res, 400, 21201, "No 'To' number is specified");
    if (!from) return sendTwilioError(res, 400, 21213, "No 'From' number is specified");
    if (!url && !twiml && !str(f, 'ApplicationSid')) return sendTwilioError(res, 400, 21205, 'Url parameter is required.');
    const statusCallback = str(f, 'StatusCallback');
    const leg = createLeg(ctx, {
      from: toE164(from),
      to: toE164(to),
      direction: 'outbound-api',
      person: ctx.handsets.get(to),
      role: 'handset',
      statusCallback,
      statusCallbackMethod: str(f, 'StatusCallbackMethod'),
      statusEvents: list(f, 'StatusCallbackEvent'),
      machineDetection: str(f, 'MachineDetection'),
    });
    startOutboundCall(ctx, leg, twiml ? { kind: 'twiml', xml: twiml } : { kind: 'fetch', url: url ?? '', method: str(f, 'Method') ?? 'POST' }, Number(str(f, 'Timeout') ?? 60) || 60);
    res.status(201).json(callJson(ctx, leg));
  });
  route('GET', '/Calls\\.json', (req, res) => {
    const q = req.query as Form;
    const items = newestFirst(ctx.calls.values()).filter(
      (l) =>
        (!str(q, 'To') || l.to === toE164(str(q, 'To') ?? '')) &&
        (!str(q, 'From') || l.from === toE164(str(q, 'From') ?? '')) &&
        (!str(q, 'Status') || l.status === str(q, 'Status')) &&
        (!str(q, 'ParentCallSid') || l.parentCallSid === str(q, 'ParentCallSid')),
    );
    sendPage(res, req, 'calls', items.map((l) => callJson(ctx, l)));
  });
  route('GET', '/Calls/(CA[0-9a-f]{32})\\.json', (req, res, m) => {
    const leg = findCall(m[1]);
    if (!leg) return notFound(res, req);
    res.json(callJson(ctx, leg));
  });
  route('POST', '/Calls/(CA[0-9a-f]{32})\\.json', (req, res, m) => {
    const leg = findCall(m[1]);
    if (!leg) return notFound(res, req);
    const f = req.body as Form;
    const status = str(f, 'Status');
    const url = str(f, 'Url');
    const twiml = str(f, 'Twiml');
    const live = leg.endAt === undefined;
    if (str(f, 'StatusCallback')) leg.statusCallback = str(f, 'StatusCallback');
    if (status === 'completed' || status === 'canceled') {
      if (live) {
        if (status === 'canceled' && leg.startAt !== undefined) {
          return sendTwilioError(res, 400, 21220, 'Call is in-progress. Use Status=completed to end it.');
        }
        hangupLeg(ctx, leg, 'platform', status === 'canceled' ? 'canceled' : undefined);
      }
      // The status in the answer is the one Twilio reports right after the request.
      return res.json({ ...callJson(ctx, leg), status: live ? status : leg.status });
    }
    if (url || twiml) {
      if (!live) return sendTwilioError(res, 400, 21220, 'Call is not in-progress. Cannot redirect.');
      redirectLeg(ctx, leg, twiml ? { kind: 'twiml', xml: twiml } : { kind: 'fetch', url: url ?? '', method: str(f, 'Method') ?? 'POST' });
    }
    res.json(callJson(ctx, leg));
  });
  route('DELETE', '/Calls/(CA[0-9a-f]{32})\\.json', (req, res, m) => {
    const leg = findCall(m[1]);
    if (!leg) return notFound(res, req);
    if (leg.endAt === undefined) return sendTwilioError(res, 400, 20009, 'Cannot delete a call that is in progress');
    ctx.calls.delete(leg.sid);
    res.status(204).end();
  });

  // Messages ------------------------------------------------------------------------------------------
  route('POST', '/Messages\\.json', (req, res) => {
    const f = req.body as Form;
    const to = str(f, 'To');
    const from = str(f, 'From') ?? (str(f, 'MessagingServiceSid') ? 'MessagingService' : undefined);
    const body = str(f, 'Body');
    if (!to) return sendTwilioError(res, 400, 21604, "A 'To' phone number is required.");
    if (!from) return sendTwilioError(res, 400, 21603, "A 'From' phone number is required.");
    if (!body && !str(f, 'MediaUrl')) return sendTwilioError(res, 400, 21602, 'Message body is required.');
    const now = ctx.clock.now();
    const msg: SimMessage = { sid: newSid('SM'), from: toE164(from), to: toE164(to), body: body ?? '', direction: 'outbound-api', status: 'queued', createdAt: now, updatedAt: now, statusCallback: str(f, 'StatusCallback') };
    state.messages.push(msg);
    res.status(201).json(messageJson(ctx, msg));
    void deliverMessage(ctx, msg);
  });
  route('GET', '/Messages\\.json', (req, res) => {
    const q = req.query as Form;
    const items = newestFirst(state.messages).filter(
      (m) => (!str(q, 'To') || m.to === toE164(str(q, 'To') ?? '')) && (!str(q, 'From') || m.from === toE164(str(q, 'From') ?? '')),
    );
    sendPage(res, req, 'messages', items.map((m) => messageJson(ctx, m)));
  });
  route('GET', '/Messages/(SM[0-9a-f]{32})\\.json', (req, res, m) => {
    const msg = state.messages.find((x) => x.sid === m[1]);
    if (!msg) return notFound(res, req);
    res.json(messageJson(ctx, msg));
  });

  // Conferences ---------------------------------------------------------------------------------------
  route('GET', '/Conferences\\.json', (req, res) => {
    const q = req.query as Form;
    const items = newestFirst(ctx.conferences.values()).filter(
      (c) => (!str(q, 'FriendlyName') || c.name === str(q, 'FriendlyName')) && (!str(q, 'Status') || c.status === str(q, 'Status')),
    );
    sendPage(res, req, 'conferences', items.map((c) => conferenceJson(ctx, c)));
  });
  route('GET', '/Conferences/(CF[0-9a-f]{32})\\.json', (req, res, m) => {
    const c = findConference(m[1]);
    if (!c) return notFound(res, req);
    res.json(conferenceJson(ctx, c));
  });
  route('POST', '/Conferences/(CF[0-9a-f]{32})\\.json', (req, res, m) => {
    const c = findConference(m[1]);
    if (!c) return notFound(res, req);
    const f = req.body as Form;
    const announce = str(f, 'AnnounceUrl');
    if (announce) for (const p of c.participants) void playOnce(ctx, p.leg, announce, str(f, 'AnnounceMethod') ?? 'POST', p.leg.life.signal);
    if (str(f, 'Status') === 'completed') endConference(ctx, c, 'conference-ended-via-API');
    res.json(conferenceJson(ctx, c));
  });
  route('POST', '/Conferences/([^/]+)/Participants\\.json', (req, res, m) => {
    const id = decodeURIComponent(m[1] ?? '');
    let conf = findConference(id);
    if (!conf) {
      // Like Twilio, a FriendlyName in place of the sid opens (or finds) that conference.
      if (/^CF[0-9a-f]{32}$/.test(id)) return notFound(res, req);
      conf = openConference(ctx, id);
    }
    if (conf.status === 'completed') return sendTwilioError(res, 400, 20001, 'Conference has already ended');
    const f = req.body as Form;
    const to = str(f, 'To');
    const from = str(f, 'From');
    if (!to) return sendTwilioError(res, 400, 21201, "No 'To' number is specified");
    if (!from) return sendTwilioError(res, 400, 21213, "No 'From' number is specified");
    const leg = createLeg(ctx, {
      from: toE164(from),
      to: toE164(to),
      direction: 'outbound-api',
      person: ctx.handsets.get(to),
      role: 'handset',
      statusCallback: str(f, 'StatusCallback'),
      statusCallbackMethod: str(f, 'StatusCallbackMethod'),
      statusEvents: list(f, 'StatusCallbackEvent'),
      machineDetection: str(f, 'MachineDetection'),
    });
    const recordConf = (str(f, 'ConferenceRecord') ?? '').startsWith('record-from') || str(f, 'ConferenceRecord') === 'true';
    const p = addParticipant(ctx, conf, leg, {
      startOnEnter: bool(f, 'StartConferenceOnEnter') ?? true,
      endOnExit: bool(f, 'EndConferenceOnExit') ?? false,
      muted: bool(f, 'Muted') ?? false,
      waitUrl: str(f, 'WaitUrl'),
      waitMethod: str(f, 'WaitMethod'),
      label: str(f, 'Label'),
      statusCallback: str(f, 'ConferenceStatusCallback'),
      statusCallbackMethod: str(f, 'ConferenceStatusCallbackMethod'),
      statusEvents: list(f, 'ConferenceStatusCallbackEvent'),
      record: recordConf ? { statusCallback: str(f, 'ConferenceRecordingStatusCallback'), method: str(f, 'ConferenceRecordingStatusCallbackMethod') ?? 'POST' } : undefined,
    });
    startParticipantCall(ctx, p, Number(str(f, 'Timeout') ?? 60) || 60);
    res.status(201).json(participantJson(ctx, p));
  });
  route('GET', '/Conferences/(CF[0-9a-f]{32})/Participants\\.json', (req, res, m) => {
    const c = findConference(m[1]);
    if (!c) return notFound(res, req);
    const q = req.query as Form;
    const items = c.participants.filter((p) => (bool(q, 'Muted') === undefined || p.muted === bool(q, 'Muted')) && (bool(q, 'Hold') === undefined || p.hold === bool(q, 'Hold')));
    sendPage(res, req, 'participants', items.map((p) => participantJson(ctx, p)));
  });
  route('GET', '/Conferences/(CF[0-9a-f]{32})/Participants/([^/]+)\\.json', (req, res, m) => {
    const c = findConference(m[1]);
    const p = c && findParticipant(c, decodeURIComponent(m[2] ?? ''));
    if (!p) return notFound(res, req);
    res.json(participantJson(ctx, p));
  });
  route('POST', '/Conferences/(CF[0-9a-f]{32})/Participants/([^/]+)\\.json', (req, res, m) => {
    const c = findConference(m[1]);
    const p = c && findParticipant(c, decodeURIComponent(m[2] ?? ''));
    if (!p) return notFound(res, req);
    const f = req.body as Form;
    const endOnExit = bool(f, 'EndConferenceOnExit');
    if (endOnExit !== undefined) p.endOnExit = endOnExit;
    updateParticipant(ctx, p, {
      hold: bool(f, 'Hold'),
      muted: bool(f, 'Muted'),
      holdUrl: str(f, 'HoldUrl'),
      holdMethod: str(f, 'HoldMethod'),
      announceUrl: str(f, 'AnnounceUrl'),
      announceMethod: str(f, 'AnnounceMethod'),
    });
    res.json(participantJson(ctx, p));
  });
  route('DELETE', '/Conferences/(CF[0-9a-f]{32})/Participants/([^/]+)\\.json', (req, res, m) => {
    const c = findConference(m[1]);
    const p = c && findParticipant(c, decodeURIComponent(m[2] ?? ''));
    if (!p) return notFound(res, req);
    removeParticipant(ctx, p, 'kicked');
    res.status(204).end();
  });

  // Recordings ----------------------------------------------------------------------------------------
  route('GET', '/Recordings\\.json', (req, res) => {
    const q = req.query as Form;
    const items = newestFirst(ctx.recordings.values()).filter(
      (r) => (!str(q, 'CallSid') || r.callSid === str(q, 'CallSid')) && (!str(q, 'ConferenceSid') || r.conferenceSid === str(q, 'ConferenceSid')),
    );
    sendPage(res, req, 'recordings', items.map((r) => recordingJson(ctx, r)));
  });
  route('GET', '/(?:Calls/CA[0-9a-f]{32}/)?Recordings/(RE[0-9a-f]{32})\\.json', (req, res, m) => {
    const r = ctx.recordings.get(m[1] ?? '');
    if (!r) return notFound(res, req);
    res.json(recordingJson(ctx, r));
  });
  route('DELETE', '/Recordings/(RE[0-9a-f]{32})\\.json', (req, res, m) => {
    if (!ctx.recordings.delete(m[1] ?? '')) return notFound(res, req);
    res.status(204).end();
  });

  return async (req, res) => {
    const prefix = `${API}/Accounts/`;
    const rest = req.path.slice(prefix.length);
    const slash = rest.indexOf('/');
    const account = slash < 0 ? rest : rest.slice(0, slash);
    const sub = slash < 0 ? '' : rest.slice(slash);
    // Recording media is public by default on Twilio (no auth), so it is served before the auth check.
    const media = /^\/Recordings\/(RE[0-9a-f]{32})(\.wav)?$/.exec(sub);
    if (req.method === 'GET' && media) return serveRecordingMedia(ctx, media[1] ?? '', req, res);
    if (!checkBasicAuth(ctx, req, res)) return;
    if (applyFault(state, req, res)) return;
    if (account !== ctx.accountSid) return notFound(res, req);
    for (const [method, re, h] of routes) {
      if (method !== req.method) continue;
      const m = re.exec(sub);
      if (m) return void (await h(req, res, m));
    }
    notFound(res, req);
  };
}

async function serveRecordingMedia(ctx: SimContext, sid: string, req: Request, res: Response): Promise<void> {
  const rec = ctx.recordings.get(sid);
  if (!rec) return notFound(res, req);
  // Dial and conference recordings are synthesised in the background; wait briefly for them.
  for (let i = 0; i < 200 && rec.audio.wav.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  res.setHeader('Content-Type', 'audio/x-wav');
  res.send(rec.audio.wav);
}

/** Moves an outbound SMS through queued → sent → delivered (or undelivered), with status callbacks in order. */
async function deliverMessage(ctx: SimContext, msg: SimMessage): Promise<void> {
  const outcome = ctx.handsets.get(msg.to).smsDelivery ?? 'delivered';
  const steps: SimMessage['status'][] = outcome === 'delivered' ? ['queued', 'sent', 'delivered'] : outcome === 'failed' ? ['queued', 'failed'] : ['queued', 'sent', 'undelivered'];
  for (const status of steps) {
    if (ctx.stopped) return;
    if (status !== 'queued') await ctx.clock.sleep(0.5).catch(() => {});
    msg.status = status;
    msg.updatedAt = ctx.clock.now();
    if (!msg.statusCallback) continue;
    const params: Record<string, string> = {
      AccountSid: ctx.accountSid,
      ApiVersion: '2010-04-01',
      MessageSid: msg.sid,
      SmsSid: msg.sid,
      MessageStatus: status,
      SmsStatus: status,
      From: msg.from,
      To: msg.to,
    };
    if (status === 'undelivered' || status === 'failed') params.ErrorCode = '30003';
    try {
      await sendSignedWebhook({ url: msg.statusCallback, params, authToken: ctx.authToken, timeoutMs: ctx.webhookTimeoutMs });
    } catch (err) {
      ctx.log.warn({ url: msg.statusCallback, err: String(err) }, 'carrier-sim: message status callback failed');
    }
  }
}
