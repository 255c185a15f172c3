/**
 * The browser softphone in Twilio mode: a Voice JS SDK `Device` registered with the access token the
 * server issues (`GET /api/telephony/token`). The platform rings `client:agent_<id>` into the call's
 * conference; the SDK's `incoming` call is the leg to accept. Everything else (hold, transfer, hang up)
 * still goes through the platform's API, which drives the conference. The SDK is loaded only in
 * Twilio mode, so simulator deployments never download it.
 */
import { api } from '../../lib/api.ts';
import type { TelephonyToken } from '../calls/types.ts';

type SdkCall = { accept(): void; reject(): void; disconnect(): void; on(event: string, listener: (...args: unknown[]) => void): unknown };

export type BrowserPhoneStatus = 'connecting' | 'ready' | 'error';

export type BrowserPhone = {
  /** Accepts the ringing leg now, or as soon as it arrives (the console's offer can come first). */
  accept(): void;
  /** Rejects the ringing leg, if any. */
  reject(): void;
  destroy(): void;
};

/**
 * Starts the SDK device with `token`; `onStatus` reports connecting / ready / error (with the SDK's
 * message). The token is renewed before it expires.
 */
export async function startBrowserPhone(token: TelephonyToken, onStatus: (status: BrowserPhoneStatus, message?: string) => void): Promise<BrowserPhone> {
  onStatus('connecting');
  const { Device } = await import('@twilio/voice-sdk');
  const device = new Device(token.token ?? '', { closeProtection: true, codecPreferences: ['opus', 'pcmu'] as never });
  let ringing: SdkCall | null = null;
  let acceptWhenRinging = false;

  device.on('registered', () => onStatus('ready'));
  device.on('error', (error: { message?: string }) => onStatus('error', error?.message ?? String(error)));
  device.on('incoming', (call: SdkCall) => {
    ringing = call;
    const forget = () => {
      if (ringing === call) ringing = null;
    };
    call.on('cancel', forget);
    call.on('disconnect', forget);
    call.on('reject', forget);
    if (acceptWhenRinging) {
      acceptWhenRinging = false;
      call.accept();
    }
  });
  device.on('tokenWillExpire', () => {
    void api
      .request<TelephonyToken>('/api/telephony/token')
      .then((fresh) => {
        if (fresh.token) device.updateToken(fresh.token);
      })
      .catch((error: unknown) => onStatus('error', error instanceof Error ? error.message : String(error)));
  });
  await device.register();

  return {
    accept() {
      if (ringing) ringing.accept();
      else acceptWhenRinging = true;
    },
    reject() {
      acceptWhenRinging = false;
      ringing?.reject();
      ringing = null;
    },
    destroy() {
      device.destroy();
    },
  };
}
