/** Request shapes of the assessment API (zod at the HTTP edge; the OpenAPI document is built from these). */
import * as z from 'zod';
import { periodPattern } from './assessment.periods.ts';
import { SchemeDefinitionSchema } from './assessment.scheme.ts';

const evidence = z.array(z.string().trim().min(1).max(500)).max(20).default([]).meta({ description: '佐证材料（文号、链接、附件名） Evidence: document numbers, links, file names' });
const note = z.string().trim().min(1).max(2000);
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期须为 YYYY-MM-DD (date must be YYYY-MM-DD)')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), '日期不存在 (no such date)');

export const PeriodParams = z.object({
  period: z.string().regex(periodPattern, '考核期须为 2026-11、2026-Q4 或 2026 (period: 2026-11, 2026-Q4 or 2026)'),
});
export const PeriodDepartmentParams = PeriodParams.extend({ departmentId: z.uuid() });
export const PeriodItemParams = PeriodDepartmentParams.extend({ itemKey: z.string().min(1).max(40) });
export const TicketParams = z.object({ ticketId: z.uuid() });

export const HistoryQuery = z.object({
  kind: z.enum(['month', 'quarter', 'year']).default('month'),
  departmentId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(60).default(12).meta({ description: '最近多少个已发布考核期 How many published periods' }),
});

export const SaveSchemeBody = z.object({
  effectiveFrom: date.meta({ description: '生效月份的第一天 First day of the month it applies from' }),
  definition: SchemeDefinitionSchema,
  note: z.string().trim().max(500).optional(),
});

export const ScoreItemBody = z.object({ points: z.number().min(0).max(100), note, evidence });

export const BonusBody = z.object({
  departmentId: z.uuid(),
  kind: z.enum(['commendation', 'thanks']).meta({ description: 'commendation 表彰 / thanks 感谢信' }),
  points: z.number().positive().max(5),
  awardedOn: date,
  note,
  evidence,
});

export const FlagConductBody = z.object({ departmentId: z.uuid().meta({ description: '被投诉的部门 The department complained about' }) });
export const ConductFindingBody = z.object({ finding: z.enum(['substantiated', 'unsubstantiated']), note, evidence });
export const SupervisionOfficeBody = z.object({ departmentId: z.uuid() });
