/**
 * The one place the platform builds a Twilio REST client. In simulator mode the real client is pointed at the
 * local carrier simulator through its `httpClient` option, so production and simulation share every line of
 * adapter code.
 */
import twilio from 'twilio';
import { createSimHttpClient } from '../../../../tools/carrier-sim/http-client.ts';

export type TwilioClient = ReturnType<typeof twilio>;

export type TwilioConnection = {
  client: TwilioClient;
  accountSid: string;
  /** Signs and checks webhooks. */
  authToken: string;
  hotlineNumber: string;
};

export function connectTwilio(options: { accountSid: string; authToken: string; hotlineNumber: string; simulatorUrl?: string; timeoutMs?: number }): TwilioConnection {
  const client = options.simulatorUrl
    ? twilio(options.accountSid, options.authToken, { httpClient: createSimHttpClient(options.simulatorUrl, { defaultTimeoutMs: options.timeoutMs }) as never })
    : twilio(options.accountSid, options.authToken, { autoRetry: true, maxRetries: 3, ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}) });
  return { client, accountSid: options.accountSid, authToken: options.authToken, hotlineNumber: options.hotlineNumber };
}
