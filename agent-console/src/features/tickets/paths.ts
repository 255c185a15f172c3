/** Where the work-order pages live, for links from other features (calls, chat, notices). */

/** The ticket page. */
export function ticketPath(ticketId: string): string {
  return `/tickets/${ticketId}`;
}

/** Registration opened from a call: the call is linked and the caller's number filled in. */
export function registrationPathForCall(callId: string, phone?: string | null): string {
  const query = new URLSearchParams({ callId });
  if (phone) query.set('phone', phone);
  return `/tickets/new?${query.toString()}`;
}
