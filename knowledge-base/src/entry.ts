/**
 * The knowledge-base entry as the matcher and the seed files know it, validated with zod at the edge
 * (files, database rows handed over by modules/knowledge).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** Department codes that own entries (see knowledge-base/content/README.md). */
export const DEPARTMENT_CODES = [
  'gongan', 'renshe', 'zhujian', 'chengguan', 'shichang', 'shengtai', 'jiaotong', 'weijian', 'jiaoyu', 'minzheng',
  'ziran', 'shuiwu', 'yibao', 'gongjijin', 'shuiwu_group', 'gongdian', 'ranqi',
] as const;

/** One question with its answer. Only id, question and answer are required. */
export const knowledgeEntrySchema = z.object({
  id: z.string().min(1).max(200),
  question: z.string().min(1).max(2000),
  answer: z.string().max(20000),
  alternates: z.array(z.string().max(2000)).max(50).optional(),
  department: z.string().max(100).optional(),
  keywords: z.array(z.string().max(100)).max(50).optional(),
  reviewDueOn: z.string().optional(),
});

/** A knowledge-base entry. */
export type KnowledgeEntry = z.infer<typeof knowledgeEntrySchema>;

/** Raised when a knowledge-base file cannot be used; the message is zh-CN followed by English. */
export class KnowledgeFileError extends Error {
  override readonly name = 'KnowledgeFileError';
}

/** Parses JSON-lines text into entries; reports the first bad line with its number. */
export function parseKnowledgeLines(text: string, source = 'input'): KnowledgeEntry[] {
  const entries: KnowledgeEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new KnowledgeFileError(
        `知识库文件 ${source} 第 ${i + 1} 行不是有效的 JSON / line ${i + 1} of ${source} is not valid JSON`,
      );
    }
    const parsed = knowledgeEntrySchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || '(entry)';
      throw new KnowledgeFileError(
        `知识库文件 ${source} 第 ${i + 1} 行字段 ${where} 无效 / line ${i + 1} of ${source}: field ${where} is invalid (${issue?.message ?? 'bad entry'})`,
      );
    }
    entries.push(parsed.data);
  }
  return entries;
}

/** Reads a JSON-lines knowledge-base file. */
export function loadKnowledgeFile(path: string): KnowledgeEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    throw new KnowledgeFileError(`无法读取知识库文件 ${path}（${code}）/ cannot read knowledge-base file ${path} (${code})`);
  }
  return parseKnowledgeLines(text, path);
}

/** Reads every JSON-lines file of a folder (`*.jsonl`, in name order), as the sample content is kept. */
export function loadKnowledgeDir(dir: string): KnowledgeEntry[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .flatMap((name) => loadKnowledgeFile(join(dir, name)));
}
