/** Asks the server what signing off would do to the agent's call work and, when it matters, asks the agent to confirm. */
import type { App } from 'antd';
import type { TFunction } from 'i18next';
import { api } from '../../lib/api.ts';
import type { AgentState, CurrentCall } from '../calls/types.ts';
import { signOffMessageKeys, signOffWarning, type SignOffAction, type SignOffWarning } from './sign-off-warning.ts';

/**
 * The warning from the server's state, the truth (another tab may have chosen the code, the wrap-up dialog may
 * have been put away). A failed check warns of nothing: signing out must stay possible when the phone service is down.
 */
export async function loadSignOffWarning(): Promise<SignOffWarning> {
  try {
    const agent = await api.request<AgentState>('/api/agents/me/state');
    if (agent.state !== 'wrap_up') return signOffWarning(agent, null);
    return signOffWarning(agent, await api.request<CurrentCall>('/api/calls/current'));
  } catch {
    return null;
  }
}

type ModalApi = ReturnType<typeof App.useApp>['modal'];

/** Resolves true when there is nothing to warn of, or when the agent confirms after reading the warning. */
export function confirmSignOff(modal: ModalApi, t: TFunction, warning: SignOffWarning, action: SignOffAction): Promise<boolean> {
  if (!warning) return Promise.resolve(true);
  const keys = signOffMessageKeys(warning, action);
  return new Promise((resolve) => {
    modal.confirm({
      title: t(keys.title),
      content: <span data-testid="sign-off-warning" data-warning={warning}>{t(keys.content)}</span>,
      okText: t(keys.ok),
      cancelText: t(keys.cancel),
      okButtonProps: { danger: true, 'data-testid': 'sign-off-confirm' } as never,
      cancelButtonProps: { 'data-testid': 'sign-off-cancel' } as never,
      onOk: () => resolve(true),
      onCancel: () => resolve(false),
    });
  });
}
