/** Absolute webhook URLs the carrier calls back; the signature is checked against exactly these. */
import type { AppContext } from '../../context.ts';

export function voiceUrl(ctx: AppContext, path: string, query: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  return `${ctx.publicUrl}/twilio/voice/${path}${qs ? `?${qs}` : ''}`;
}

/** The conference every call talks in is named after the call. */
export function conferenceName(callId: string): string {
  return `call-${callId}`;
}

/** The softphone identity of an agent (`client:agent_<id>` on the carrier). */
export function agentIdentity(userId: string): string {
  return `agent_${userId}`;
}
