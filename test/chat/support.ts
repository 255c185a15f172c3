/** A citizen at the web chat: one conversation, from one (forwarded) IP address so rate limits stay per test. */
import type { ApiResponse, TestPlatform } from '../support/platform.ts';

let nextIp = 10;

export type Citizen = {
  sessionId: string;
  token: string;
  ip: string;
  greeting: any;
  say(text: unknown): Promise<ApiResponse>;
  /** The bot's last reply text for a message (fails the test on a non-200). */
  ask(text: string): Promise<{ text: string; kind: string; id: string; choices: { n: number; question: string }[] | null; outcome: string | null }>;
  feedback(messageId: string, helpful: boolean): Promise<ApiResponse>;
};

export async function startConversation(platform: TestPlatform, options: { ip?: string; language?: string } = {}): Promise<Citizen> {
  const ip = options.ip ?? `10.9.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;
  const headers = { 'x-forwarded-for': ip };
  const started = await platform.api.request('POST', '/api/chat/sessions', { body: options.language ? { language: options.language } : {}, headers });
  if (started.status !== 201) throw new Error(`start chat: ${started.status} ${JSON.stringify(started.body)}`);
  const { sessionId, token } = started.body;
  const say = (text: unknown) =>
    platform.api.request('POST', `/api/chat/sessions/${sessionId}/messages`, { body: { text }, headers: { ...headers, 'x-chat-token': token } });
  return {
    sessionId,
    token,
    ip,
    greeting: started.body.messages[0],
    say,
    async ask(text: string) {
      const res = await say(text);
      if (res.status !== 200) throw new Error(`chat message: ${res.status} ${JSON.stringify(res.body)}`);
      const last = res.body.messages.at(-1);
      return { text: last.text, kind: last.kind, id: last.id, choices: last.choices, outcome: res.body.outcome };
    },
    feedback: (messageId: string, helpful: boolean) =>
      platform.api.request('POST', `/api/chat/sessions/${sessionId}/messages/${messageId}/feedback`, { body: { helpful }, headers: { ...headers, 'x-chat-token': token } }),
  };
}
