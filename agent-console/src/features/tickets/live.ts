/**
 * Live updates for work-order pages. The server pushes one socket event per lifecycle step (the past-tense
 * event of its transition table, see server/src/modules/tickets/lifecycle.ts) with no personal data:
 * `{ticketId, number, state, urgency, version, action, assignmentId?, departmentId?}`. Pages refetch with
 * their own rights when one arrives, a little later so a burst of events costs one request.
 */
import { useEffect, useRef } from 'react';
import { useRealtimeEvent } from '../../lib/socket.ts';

/** Every event tickets.service publishes after commit. */
export const TICKET_EVENTS = [
  'ticket.registered',
  'ticket.submitted',
  'ticket.resolved_on_call',
  'ticket.transferred',
  'ticket.informed',
  'ticket.dispatched',
  'ticket.merged',
  'assignment.signed',
  'assignment.return_requested',
  'assignment.extension_requested',
  'assignment.sub_dispatched',
  'assignment.replied',
  'assignment.return_approved',
  'assignment.return_rejected',
  'assignment.extension_approved',
  'assignment.extension_refused',
  'ticket.review_passed',
  'ticket.review_rejected',
  'ticket.surveyed',
  'ticket.closed',
  'ticket.reopened',
  'ticket.urged',
  'ticket.supervised',
  'assignment.deadline_warned',
  'assignment.deadline_overdue',
] as const;

/** Notices for the bell: department notices (urge, supervision) and the deadline jobs' warnings. */
export const NOTICE_EVENTS = ['notification.created', 'assignment.deadline_warned', 'assignment.deadline_overdue'] as const;

/** The payload of a ticket event; only `ticketId` is always there. */
export type TicketPush = { ticketId: string; number?: string; state?: string; action?: string; assignmentId?: string | null; departmentId?: string | null };

/**
 * Calls `onEvent` (debounced by `delayMs`) whenever one of `events` arrives and `accept` (if given) keeps it.
 * The event list must not change between renders: it decides how many subscriptions there are.
 */
export function useLiveRefresh(onEvent: () => void, options: { events?: readonly string[]; accept?: (push: TicketPush) => boolean; delayMs?: number } = {}): void {
  const events = options.events ?? TICKET_EVENTS;
  const delay = options.delayMs ?? 300;
  const latest = useRef({ onEvent, accept: options.accept });
  latest.current = { onEvent, accept: options.accept };
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const handle = (payload: unknown) => {
    const push = (payload ?? {}) as TicketPush;
    if (latest.current.accept && !latest.current.accept(push)) return;
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      latest.current.onEvent();
    }, delay);
  };
  // A fixed list, so the number and order of hooks never changes between renders.
  for (const event of events) {
    // eslint-disable-next-line react-hooks/rules-of-hooks
    useRealtimeEvent(event, handle);
  }
}
