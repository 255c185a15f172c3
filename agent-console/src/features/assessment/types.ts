/** Shapes the assessment API answers (see server/src/modules/assessment/assessment.service.ts). */
export type Text = { 'zh-CN': string; en: string };
export type PeriodKind = 'month' | 'quarter' | 'year';

export type MeasureLine = {
  kind: 'measure';
  key: string;
  label: Text;
  weight: number;
  measure: string;
  numerator: number;
  denominator: number;
  rate: number | null;
  ruleText: Text;
  points: number;
  noData: boolean;
  drillDown: string;
};
export type SupervisorLine = { kind: 'supervisor'; key: string; label: Text; weight: number; points: number; scored: boolean; note: string | null; evidence: string[]; scoredBy: string | null };
export type ConductLine = {
  kind: 'conductComplaints';
  key: string;
  label: Text;
  pointsEach: number;
  maxDeduction: number;
  count: number;
  points: number;
  complaints: { ticketId: string; number: string; decidedAt: string; note: string | null }[];
};
export type ScoreLine = MeasureLine | SupervisorLine | ConductLine;

export type DepartmentScore = {
  period: string;
  departmentId: string;
  departmentName: string;
  schemeVersion: number;
  provisional: boolean;
  assessed: boolean;
  base: number;
  bonus: { cap: number; raw: number; points: number; awards: { id: string; kind: 'commendation' | 'thanks'; points: number; awardedOn: string; note: string; evidence: string[] }[] };
  total: number | null;
  rank: number | null;
  lines: ScoreLine[];
};

export type RankingRow = { departmentId: string; departmentName: string; assessed: boolean; rank: number | null; total: number | null; base: number; bonus: number; deduction: number };
export type RankingResponse = { period: string; published: boolean; publishedAt: string | null; scheme: { version: number }; rows: RankingRow[] };
export type ScoreResponse = { period: string; published: boolean; publishedAt: string | null; scheme: { version: number }; score: DepartmentScore };
export type HistoryRow = { period: string; publishedAt: string; departmentId: string; departmentName: string; assessed: boolean; rank: number | null; total: number | null };
