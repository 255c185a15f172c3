/** SmsSender over Twilio's Messages API. */
import type { SmsSender } from '../../ports/sms-sender.ts';
import { AppError } from '../../platform/errors.ts';
import type { TwilioConnection } from './client.ts';

export function createTwilioSmsSender(twilio: TwilioConnection): SmsSender {
  return {
    async send(to, text, options = {}) {
      try {
        const message = await twilio.client.messages.create({
          to,
          from: twilio.hotlineNumber,
          body: text,
          ...(options.statusCallbackUrl ? { statusCallback: options.statusCallbackUrl } : {}),
        });
        const status = message.status === 'delivered' || message.status === 'sent' || message.status === 'failed' ? message.status : 'queued';
        return { providerId: message.sid, status };
      } catch (error) {
        throw new AppError('PROVIDER_FAILED', { params: { provider: 'Twilio SMS' }, cause: error });
      }
    },
  };
}
