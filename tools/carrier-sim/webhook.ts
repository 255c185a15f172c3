import twilio from 'twilio';

/** Answer to a webhook request. */
export interface WebhookReply {
  status: number;
  body: string;
  contentType: string;
}

/**
 * Sends a webhook the way Twilio does: form-encoded parameters (or a query string for GET), signed with
 * X-Twilio-Signature computed by the twilio library itself, so the platform's validation sees exactly what
 * Twilio would send.
 */
export async function sendSignedWebhook(options: {
  url: string;
  method?: string;
  params: Record<string, string>;
  authToken: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}): Promise<WebhookReply> {
  const method = (options.method ?? 'POST').toUpperCase() === 'GET' ? 'GET' : 'POST';
  const form = new URLSearchParams(options.params);
  let url = options.url;
  let signed: Record<string, string> = options.params;
  if (method === 'GET') {
    const u = new URL(options.url);
    for (const [k, v] of form) u.searchParams.append(k, v);
    url = u.toString();
    signed = {};
  }
  const signature = twilio.getExpectedTwilioSignature(options.authToken, url, signed);
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  const res = await fetch(url, {
    method,
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
      'X-Twilio-Signature': signature,
      'User-Agent': 'TwilioProxy/1.1',
      Accept: '*/*',
    },
    body: method === 'POST' ? form.toString() : undefined,
    signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
  });
  return { status: res.status, body: await res.text(), contentType: res.headers.get('content-type') ?? '' };
}
