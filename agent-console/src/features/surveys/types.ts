/** Shapes of the surveys API as the console reads them. */
export type SurveyAttempt = { attemptNo: number; channel: 'phone' | 'sms'; status: string; result: string | null; startedAt: string; endedAt: string | null };

export type Survey = {
  id: string;
  ticketId: string;
  round: number;
  state: string;
  outcome: string | null;
  outcomeLabel: string | null;
  answeredChannel: 'phone' | 'sms' | null;
  answeredAt: string | null;
  comment: string | null;
  commentRecorded: boolean;
  commentTranscriptStatus: string | null;
  nextAttemptAt: string | null;
  decision: 'reopened' | 'closed' | null;
  decisionNote: string | null;
  decidedAt: string | null;
  skipReason: 'not_sampled' | 'no_contact' | null;
  createdAt: string;
  completedAt: string | null;
  attempts: SurveyAttempt[];
};

export type QueueItem = Survey & {
  ticket: { id: string; number: string; title: string; type: string; phoneMasked: string | null; reopenCount: number };
  department: { id: string; name: string | null } | null;
};

export type FigureRow = {
  id: string | null;
  name: string | null;
  finished: number;
  answered: number;
  satisfied: number;
  basically: number;
  unsatisfied: number;
  declined: number;
  unreachable: number;
  closed: number;
  surveyed: number;
  satisfactionRate: number | null;
  unreachableShare: number | null;
  surveyRate: number | null;
};

export type Figures = {
  period: { from: string; to: string };
  total: Omit<FigureRow, 'id' | 'name'>;
  departments: FigureRow[];
  agents: FigureRow[];
  callRatings: Array<{ id: string | null; name: string | null; offered: number; rated: number; satisfied: number; basically: number; unsatisfied: number; satisfactionRate: number | null; ratingRate: number | null }>;
};

export const OUTCOME_COLOURS: Record<string, string> = { satisfied: 'green', basically_satisfied: 'cyan', unsatisfied: 'red', unreachable: 'default', declined: 'orange' };

export function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}
