/**
 * An `httpClient` for the twilio library that sends the real client's requests to the carrier simulator
 * instead of Twilio's hosts: same method, path, query, form body and basic auth; only protocol and host
 * change. Pass it as `twilio(accountSid, authToken, { httpClient: createSimHttpClient(simUrl) })`.
 */

/** The subset of the twilio RequestClient's request options this client honours. */
export interface SimRequestOptions {
  method: string;
  uri: string;
  username?: string;
  password?: string;
  authStrategy?: { getAuthString(): Promise<string> };
  headers?: Record<string, string>;
  params?: object;
  data?: object;
  timeout?: number;
}

/** What the twilio library expects back from `httpClient.request`. */
export interface SimResponse {
  statusCode: number;
  body: string;
  headers: Record<string, string>;
}

/** A RequestClient-compatible client bound to one simulator URL. */
export interface SimHttpClient {
  request(opts: SimRequestOptions): Promise<SimResponse>;
  /** The last request sent, for tests and debugging (like RequestClient.lastRequest). */
  lastRequest?: { method: string; url: string; body?: string };
  lastResponse?: SimResponse;
}

/** Twilio-style form/query encoding: arrays become repeated keys, Dates ISO strings, undefined dropped. */
export function encodeForm(data: object | undefined): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(data ?? {})) {
    if (v === undefined || v === null) continue;
    for (const item of Array.isArray(v) ? v : [v]) out.append(k, item instanceof Date ? item.toISOString() : String(item));
  }
  return out;
}

/** Builds the client. `simUrl` is the simulator's base URL, e.g. http://127.0.0.1:4010. */
export function createSimHttpClient(simUrl: string, options: { defaultTimeoutMs?: number } = {}): SimHttpClient {
  const base = new URL(simUrl);
  const client: SimHttpClient = {
    async request(opts) {
      if (!opts.method) throw new Error('http method is required');
      if (!opts.uri) throw new Error('uri is required');
      const target = new URL(opts.uri);
      target.protocol = base.protocol;
      target.host = base.host;
      for (const [k, v] of encodeForm(opts.params)) target.searchParams.append(k, v);
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      delete headers.Connection;
      if (opts.username && opts.password) {
        headers.Authorization = 'Basic ' + Buffer.from(`${opts.username}:${opts.password}`).toString('base64');
      } else if (opts.authStrategy) {
        headers.Authorization = await opts.authStrategy.getAuthString();
      }
      const method = opts.method.toUpperCase();
      const body = opts.data && method !== 'GET' && method !== 'DELETE' ? encodeForm(opts.data).toString() : undefined;
      if (body !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/x-www-form-urlencoded';
      client.lastRequest = { method, url: target.toString(), body };
      const res = await fetch(target, { method, headers, body, signal: AbortSignal.timeout(opts.timeout ?? options.defaultTimeoutMs ?? 30_000) });
      const response: SimResponse = { statusCode: res.status, body: await res.text(), headers: Object.fromEntries(res.headers) };
      client.lastResponse = response;
      return response;
    },
  };
  return client;
}
