/** What other modules may use from calls. */
import type { Executor } from '../../platform/db/database.ts';
import { findCall } from './calls.repository.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The protected caller number of a call (encrypted, keyed hash, masked), so a ticket registered from a call
 * carries the caller's phone without the agent retyping it and without the number ever passing through the
 * console in the clear.
 */
export async function callerOfCall(db: Executor, callId: string): Promise<{ encrypted: string; hash: string; masked: string } | undefined> {
  if (!uuid.test(callId)) return undefined;
  const call = await findCall(db, callId);
  return call ? { encrypted: call.caller_encrypted, hash: call.caller_hash, masked: call.caller_masked } : undefined;
}
