/** The shapes of the hotspot API (server/src/modules/hotspots/hotspots.presenter.ts). */
import type { TicketState } from '../tickets/types.ts';

export type Verdict = 'burst' | 'too_few' | 'ratio_too_low' | 'score_too_low';

export type WindowAssessment = { windowHours: number; count: number; mean: number; expected: number; spread: number; score: number; ratio: number; verdict: Verdict };

export type HotspotAlert = {
  id: string;
  state: 'open' | 'closed';
  district: string;
  category: { id: string; code: string; name: string; nameEn: string };
  windowHours: number;
  ticketCount: number;
  expected: number;
  score: number;
  peakCount: number;
  peakScore: number;
  windows: WindowAssessment[];
  linkedTickets: number;
  openedAt: string;
  lastDetectedAt: string;
  closedAt: string | null;
  acknowledged: { at: string; by: string | null; byName: string | null; note: string | null } | null;
};

export type AlertTicket = {
  id: string;
  number: string;
  title: string;
  state: TicketState;
  address: string | null;
  district: string | null;
  createdAt: string;
  leadDepartment: string | null;
};

export type HotspotRules = { windowsHours: number[]; baselineDays: number; minCount: number; minRatio: number; minScore: number; expectedFloor: number };
