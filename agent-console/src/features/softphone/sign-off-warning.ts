/**
 * What signing off would do to the agent's call work, so the console can warn before it happens (the server's
 * rules: routing's signOffAgent on sign-out, the state switcher's sign-off from wrap-up):
 * - in wrap-up with no code on the call: 未选择 will be recorded;
 * - on a call: the agent goes offline at once and no wrap-up follows; closing the page's softphone may cut it.
 * Ringing needs no warning: the call goes straight to the next agent, keeping its place. Pure, so it is tested
 * without a browser; `sign-off-confirm.ts` asks the server and shows the dialog.
 */
import type { AgentState, CurrentCall } from '../calls/types.ts';

export type SignOffWarning = 'unselectedWrapUp' | 'onCall' | null;

/** How the agent leaves: signing out of the console, or the state switcher's 离线. */
export type SignOffAction = 'signOut' | 'offline';

/** The warning for this agent state and current call (in wrap-up: the call being wrapped up, with its code if any). */
export function signOffWarning(agent: Pick<AgentState, 'state'> | null, current: Pick<CurrentCall, 'call'> | null): SignOffWarning {
  if (agent?.state === 'on_call') return 'onCall';
  if (agent?.state === 'wrap_up' && current?.call && !current.call.wrapUpCode) return 'unselectedWrapUp';
  return null;
}

/** The i18n keys of the confirmation for a warning (under `signOff` in i18n/signOff.*.ts). */
export function signOffMessageKeys(warning: Exclude<SignOffWarning, null>, action: SignOffAction) {
  return { title: `signOff.${warning}.title`, content: `signOff.${warning}.${action}`, ok: `signOff.${action}`, cancel: 'signOff.cancel' } as const;
}
