/** Sending a text message to a citizen or a department contact, in domain words. */
export type SmsReceipt = { providerId: string; status: 'queued' | 'sent' | 'delivered' | 'failed' };

export interface SmsSender {
  /** Sends `text` to a phone number; throws a ProviderError when the carrier refuses or cannot be reached. */
  send(to: string, text: string, options?: { statusCallbackUrl?: string }): Promise<SmsReceipt>;
}
