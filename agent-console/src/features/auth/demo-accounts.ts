/** The demo sign-ins the server offers in demo mode (`GET /api/auth/demo-accounts`); never hard-coded here. */
import { api, type Role } from '../../lib/api.ts';

export type DemoAccounts = {
  enabled: boolean;
  password?: string;
  accounts: Array<{ username: string; role: Role; displayName: string }>;
};

/** The demo accounts, or null when demo mode is off or the server does not say. */
export async function fetchDemoAccounts(signal?: AbortSignal): Promise<DemoAccounts | null> {
  try {
    const options = signal ? { signal } : {};
    const result = await api.request<DemoAccounts>('/api/auth/demo-accounts', options);
    return result.enabled && Array.isArray(result.accounts) && result.accounts.length > 0 ? result : null;
  } catch {
    // A production server answers 404 or nothing; the sign-in page just shows no hint.
    return null;
  }
}
