/** Alert rows → JSON, shared by the HTTP API and the `hotspot.detected` socket push. */
import type { AlertRow } from './hotspots.repository.ts';

export function presentAlert(row: AlertRow) {
  return {
    id: row.id,
    state: row.state,
    district: row.district,
    category: { id: row.category_id, code: row.category_code, name: row.category_name, nameEn: row.category_name_en },
    windowHours: row.window_hours,
    ticketCount: row.ticket_count,
    expected: row.expected,
    score: row.score,
    peakCount: row.peak_count,
    peakScore: row.peak_score,
    windows: row.windows,
    linkedTickets: row.linked_tickets,
    openedAt: row.opened_at.toISOString(),
    lastDetectedAt: row.last_detected_at.toISOString(),
    closedAt: row.closed_at?.toISOString() ?? null,
    acknowledged: row.acknowledged_at
      ? { at: row.acknowledged_at.toISOString(), by: row.acknowledged_by, byName: row.acknowledged_by_name, note: row.acknowledge_note }
      : null,
  };
}
export type AlertJson = ReturnType<typeof presentAlert>;

type TicketRow = {
  id: string;
  number: string;
  title: string;
  type: string;
  urgency: string;
  channel: string;
  state: string;
  address: string | null;
  district: string | null;
  created_at: Date;
  master_ticket_id: string | null;
  lead_department: string | null;
};

export function presentAlertTicket(t: TicketRow) {
  return {
    id: t.id,
    number: t.number,
    title: t.title,
    type: t.type,
    urgency: t.urgency,
    channel: t.channel,
    state: t.state,
    address: t.address,
    district: t.district,
    createdAt: t.created_at.toISOString(),
    masterTicketId: t.master_ticket_id,
    leadDepartment: t.lead_department,
  };
}
