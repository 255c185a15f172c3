/**
 * Import and export formats of the knowledge base: JSON lines (the content files' own format), YAML (a list
 * of the same records) and xlsx (one row per entry, for departments that edit in a spreadsheet). Parsing
 * reports every bad record with its line or row number instead of stopping at the first.
 */
import ExcelJS from 'exceljs';
import YAML from 'yaml';
import * as z from 'zod';
import { ALTERNATES_LIMIT, EntryCode } from './knowledge.schema.ts';

/** One entry as files carry it; `id` is the entry's code (gongjijin-001). */
export const TransferRecordSchema = z.object({
  id: EntryCode,
  question: z.string().trim().min(1).max(500),
  answer: z.string().trim().min(1).max(10_000),
  alternates: z.array(z.string().trim().max(ALTERNATES_LIMIT.chars)).max(ALTERNATES_LIMIT.items).default([]),
  keywords: z.array(z.string().trim().max(50)).max(30).default([]),
  department: z.string().trim().max(50).nullish(),
  topic: z.string().trim().max(50).nullish(),
  reviewDueOn: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullish(),
  state: z.enum(['draft', 'review', 'published', 'archived']).optional(),
});
export type TransferRecord = z.infer<typeof TransferRecordSchema>;

export type ParseProblem = { line: number; code: string | null; message: string };
export type Parsed = { records: { line: number; record: TransferRecord }[]; problems: ParseProblem[] };

const COLUMNS = ['id', 'question', 'answer', 'alternates', 'keywords', 'department', 'topic', 'reviewDueOn', 'state'] as const;
const COLUMN_LABELS: Record<(typeof COLUMNS)[number], string> = {
  id: '编号 id',
  question: '问题 question',
  answer: '答案 answer',
  alternates: '相似问法 alternates（每行一个）',
  keywords: '关键词 keywords（逗号分隔）',
  department: '部门编码 department',
  topic: '主题 topic',
  reviewDueOn: '复核日期 reviewDueOn',
  state: '状态 state',
};

function check(value: unknown, line: number, parsed: Parsed): void {
  const result = TransferRecordSchema.safeParse(value);
  if (result.success) {
    parsed.records.push({ line, record: result.data });
    return;
  }
  const issue = result.error.issues[0];
  const code = typeof (value as { id?: unknown })?.id === 'string' ? ((value as { id: string }).id as string) : null;
  parsed.problems.push({ line, code, message: `${issue?.path.join('.') || '(entry)'}: ${issue?.message ?? 'invalid'}` });
}

export function parseJsonLines(text: string): Parsed {
  const parsed: Parsed = { records: [], problems: [] };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      parsed.problems.push({ line: i + 1, code: null, message: '不是有效的 JSON (not valid JSON)' });
      return;
    }
    check(value, i + 1, parsed);
  });
  return parsed;
}

export function parseYaml(text: string): Parsed {
  const parsed: Parsed = { records: [], problems: [] };
  let value: unknown;
  try {
    value = YAML.parse(text, { maxAliasCount: 100 });
  } catch (error) {
    parsed.problems.push({ line: 0, code: null, message: `YAML 无法解析 (cannot parse YAML): ${(error as Error).message.split('\n')[0]}` });
    return parsed;
  }
  const list = Array.isArray(value) ? value : (value as { entries?: unknown })?.entries;
  if (!Array.isArray(list)) {
    parsed.problems.push({ line: 0, code: null, message: 'YAML 须为条目列表 (YAML must be a list of entries)' });
    return parsed;
  }
  list.forEach((item, i) => check(item, i + 1, parsed));
  return parsed;
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object' && 'richText' in value) return value.richText.map((r) => r.text).join('');
  if (typeof value === 'object' && 'text' in value) return String(value.text);
  if (typeof value === 'object' && 'result' in value) return String(value.result ?? '');
  return String(value);
}

const splitLines = (s: string) => s.split(/\r?\n|\|/).map((x) => x.trim()).filter(Boolean);
const splitList = (s: string) => s.split(/[,，、;；\n]/).map((x) => x.trim()).filter(Boolean);

export async function parseXlsx(base64: string): Promise<Parsed> {
  const parsed: Parsed = { records: [], problems: [] };
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(base64, 'base64') as unknown as ArrayBuffer);
  } catch {
    parsed.problems.push({ line: 0, code: null, message: '不是有效的 xlsx 文件 (not a valid xlsx file)' });
    return parsed;
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) {
    parsed.problems.push({ line: 0, code: null, message: '工作簿没有工作表 (the workbook has no sheet)' });
    return parsed;
  }
  // Columns are found by the key at the end of each header ("问题 question" → question), in any order.
  const columnOf = new Map<string, number>();
  sheet.getRow(1).eachCell((cell, col) => {
    const key = cellText(cell.value).trim().split(/\s+/).find((word) => (COLUMNS as readonly string[]).includes(word.replace(/（.*$/, '')));
    if (key) columnOf.set(key.replace(/（.*$/, ''), col);
  });
  if (!columnOf.has('id') || !columnOf.has('question') || !columnOf.has('answer')) {
    parsed.problems.push({ line: 1, code: null, message: '表头须包含 id、question、answer 列 (header needs id, question and answer columns)' });
    return parsed;
  }
  sheet.eachRow((row, rowNumber) => {
    if (rowNumber === 1) return;
    const get = (key: string) => {
      const col = columnOf.get(key);
      return col ? cellText(row.getCell(col).value).trim() : '';
    };
    if (!get('id') && !get('question')) return;
    const state = get('state');
    check(
      {
        id: get('id'),
        question: get('question'),
        answer: get('answer'),
        alternates: splitLines(get('alternates')),
        keywords: splitList(get('keywords')),
        department: get('department') || null,
        topic: get('topic') || null,
        reviewDueOn: get('reviewDueOn') || null,
        ...(state ? { state } : {}),
      },
      rowNumber,
      parsed,
    );
  });
  return parsed;
}

// ── export ──────────────────────────────────────────────────────────────────────────────────────────────────

/** Drops empty optional fields, so an export reads like the hand-written content files. */
function compact(record: TransferRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { id: record.id, question: record.question, answer: record.answer };
  if (record.alternates.length) out.alternates = record.alternates;
  if (record.keywords.length) out.keywords = record.keywords;
  if (record.department) out.department = record.department;
  if (record.topic) out.topic = record.topic;
  if (record.reviewDueOn) out.reviewDueOn = record.reviewDueOn;
  if (record.state) out.state = record.state;
  return out;
}

export function toJsonLines(records: TransferRecord[]): string {
  return records.map((r) => JSON.stringify(compact(r))).join('\n') + (records.length ? '\n' : '');
}

export function toYaml(records: TransferRecord[]): string {
  return YAML.stringify(records.map(compact), { lineWidth: 0 });
}

export async function toXlsx(records: TransferRecord[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '12345 hotline platform';
  const sheet = workbook.addWorksheet('知识库 knowledge');
  sheet.columns = COLUMNS.map((key) => ({ header: COLUMN_LABELS[key], key, width: key === 'answer' ? 80 : key === 'question' || key === 'alternates' ? 40 : 16 }));
  sheet.getRow(1).font = { bold: true };
  for (const r of records) {
    sheet.addRow({
      id: r.id,
      question: r.question,
      answer: r.answer,
      alternates: r.alternates.join('\n'),
      keywords: r.keywords.join(', '),
      department: r.department ?? '',
      topic: r.topic ?? '',
      reviewDueOn: r.reviewDueOn ?? '',
      state: r.state ?? '',
    });
  }
  sheet.getColumn('answer').alignment = { wrapText: true, vertical: 'top' };
  sheet.getColumn('alternates').alignment = { wrapText: true, vertical: 'top' };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
