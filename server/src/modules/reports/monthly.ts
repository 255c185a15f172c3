/**
 * 办件月报表: one row per department (its assignments) and one for the whole hotline (its tickets), from the
 * same measure definitions as every other figure, exported as xlsx (exceljs) or CSV (UTF-8 with BOM so Excel
 * opens Chinese text correctly).
 */
import ExcelJS from 'exceljs';
import type { AppContext } from '../../context.ts';
import { findMeasure } from './measures.ts';
import type { ReportScope } from './reports.policy.ts';
import { computeMeasure, monthPeriod, type CutFigure, type Figure } from './reports.service.ts';
import { loadRolledDays } from './rollups.ts';
import { toCsv } from './csv.ts';

export type MonthlyRow = {
  department: string;
  departmentId: string | null;
  /** Departments: assignments dispatched to it; hotline: tickets registered. */
  received: number;
  signedOnTime: number;
  signedOnTimeRate: number | null;
  finishedOnTime: number;
  finishedOnTimeRate: number | null;
  returned: number;
  returnRate: number | null;
  reopened: number;
  reopenRate: number | null;
  surveyed: number;
  surveyRate: number | null;
  satisfaction: number | null;
};

const columns: { key: keyof MonthlyRow; header: string }[] = [
  { key: 'department', header: '单位 Department' },
  { key: 'received', header: '受理/派件数 Received' },
  { key: 'signedOnTime', header: '按时签收 Signed on time' },
  { key: 'signedOnTimeRate', header: '按时签收率' },
  { key: 'finishedOnTime', header: '按时办结 Finished on time' },
  { key: 'finishedOnTimeRate', header: '按时办结率' },
  { key: 'returned', header: '退单 Returned' },
  { key: 'returnRate', header: '退单率' },
  { key: 'reopened', header: '重办 Reopened' },
  { key: 'reopenRate', header: '重办率' },
  { key: 'surveyed', header: '回访 Surveyed' },
  { key: 'surveyRate', header: '回访率' },
  { key: 'satisfaction', header: '满意率 Satisfaction' },
];

const keys = ['signedOnTime', 'finishedOnTime', 'returnRate', 'reopenRate', 'surveyRate', 'satisfaction', 'directResolution'] as const;

/** The month's rows: every department with figures (only the reader's own for department staff), then the hotline. */
export async function buildMonthlyReport(ctx: AppContext, scope: ReportScope, month: string, now = new Date(), input: { useRollups?: boolean } = {}): Promise<MonthlyRow[]> {
  const period = monthPeriod(ctx.config.timezone, month, now);
  const figures = {} as Record<(typeof keys)[number], Figure & { cuts?: CutFigure[] }>;
  // Whole days come from the rollups when they are there (rollups.ts); the state of the month's days is read once.
  const useRollups = input.useRollups ?? true;
  const rolledDays = useRollups ? await loadRolledDays(ctx, period) : [];
  for (const k of keys) figures[k] = await computeMeasure(ctx, scope, findMeasure(k)!, period, { cut: 'department', useRollups, rolledDays });
  const departments = new Map<string, string>();
  for (const k of keys) for (const c of figures[k].cuts ?? []) if (c.key) departments.set(c.key, c.label ?? c.key);
  const at = (k: (typeof keys)[number], id: string | null): Figure => (id === null ? figures[k] : (figures[k].cuts?.find((c) => c.key === id) ?? { numerator: 0, denominator: 0, value: null }));
  const row = (name: string, id: string | null): MonthlyRow => ({
    department: name,
    departmentId: id,
    received: id === null ? at('directResolution', null).denominator : at('returnRate', id).denominator,
    signedOnTime: at('signedOnTime', id).numerator,
    signedOnTimeRate: at('signedOnTime', id).value,
    finishedOnTime: at('finishedOnTime', id).numerator,
    finishedOnTimeRate: at('finishedOnTime', id).value,
    returned: at('returnRate', id).numerator,
    returnRate: at('returnRate', id).value,
    reopened: at('reopenRate', id).numerator,
    reopenRate: at('reopenRate', id).value,
    surveyed: at('surveyRate', id).numerator,
    surveyRate: at('surveyRate', id).value,
    satisfaction: at('satisfaction', id).value,
  });
  const rows = [...departments].sort((a, b) => a[1].localeCompare(b[1], 'zh-CN')).map(([id, name]) => row(name, id));
  if (scope.kind === 'all') rows.push(row('全市热线 Hotline total', null));
  return rows;
}

/** The monthly report as CSV. */
export function monthlyCsv(rows: MonthlyRow[]): string {
  return toCsv(
    columns.map((c) => c.header),
    rows.map((r) => columns.map((c) => r[c.key])),
  );
}

/** The xlsx workbook: one sheet, rates formatted as percentages. */
export async function monthlyXlsx(rows: MonthlyRow[], month: string): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(`办件月报表 ${month}`);
  sheet.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.key === 'department' ? 24 : 14, ...(/Rate$|satisfaction/.test(c.key) ? { style: { numFmt: '0.00%' } } : {}) }));
  for (const r of rows) sheet.addRow(r);
  sheet.getRow(1).font = { bold: true };
  return Buffer.from(await book.xlsx.writeBuffer());
}
