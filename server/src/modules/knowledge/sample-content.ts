/**
 * The sample content (knowledge-base/content, written for this project) is imported once per database, on
 * first start, demo or not: a city starts with a working bot and replaces the entries with its own. Entries
 * are marked `is_sample`, so the console can show them as such and a city can find what is left to replace.
 *
 * The marker row in app_meta is claimed in the same transaction as the import, so two processes starting
 * together import once, and an interrupted import leaves nothing behind.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppContext } from '../../context.ts';
import { systemActor } from '../../platform/actor.ts';
import { recordAudit } from '../../platform/audit.ts';
import * as repo from './knowledge.repository.ts';
import { parseJsonLines, type TransferRecord } from './knowledge.transfer.ts';

export const sampleContentDir = fileURLToPath(new URL('../../../../knowledge-base/content/', import.meta.url));
const MARKER = 'knowledge_sample_imported_at';

/** Every sample entry, in file order; a bad line is a bug in the repository, so it throws. */
export function readSampleContent(dir = sampleContentDir): TransferRecord[] {
  const records: TransferRecord[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
    const parsed = parseJsonLines(readFileSync(path.join(dir, file), 'utf8'));
    if (parsed.problems.length) throw new Error(`sample content ${file}: line ${parsed.problems[0]!.line}: ${parsed.problems[0]!.message}`);
    records.push(...parsed.records.map((r) => r.record));
  }
  return records;
}

/** Imports the sample set as published entries unless this database already had it; true when it did now. */
export async function importSampleContentOnce(ctx: Pick<AppContext, 'db' | 'logger'>): Promise<boolean> {
  const done = await ctx.db.selectFrom('app_meta').select('key').where('key', '=', MARKER).executeTakeFirst();
  if (done) return false;
  const records = readSampleContent();
  const imported = await ctx.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .insertInto('app_meta')
      .values({ key: MARKER, value: JSON.stringify(new Date().toISOString()) })
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!claimed) return false;
    // Codes a city already created by hand are left alone.
    const taken = new Set((await trx.selectFrom('kb_entries').select('code').execute()).map((r) => r.code));
    const fresh = records.filter((r) => !taken.has(r.id));
    const created = await repo.insertEntries(
      trx,
      fresh.map((r) => ({ code: r.id, departmentCode: r.department ?? null, state: 'published', reviewDueOn: r.reviewDueOn ?? null, isSample: true, createdBy: null, published: true })),
    );
    const idOf = new Map(created.map((c) => [c.code, c.id]));
    await repo.insertVersions(
      trx,
      fresh.map((r) => ({
        entryId: idOf.get(r.id)!,
        version: 1,
        question: r.question,
        answer: r.answer,
        alternates: r.alternates,
        keywords: r.keywords,
        topic: r.topic ?? null,
        note: '示例内容 sample content',
        createdBy: null,
      })),
    );
    // Processes already running (none, normally: this is the first start) pick the entries up too.
    await repo.notifyLiveChange(trx, created.map((c) => c.id));
    await recordAudit(trx, systemActor('knowledge'), { action: 'knowledge.sample_imported', entity: 'knowledge_base', data: { entries: created.length } });
    return true;
  });
  if (imported) ctx.logger.info({ entries: records.length }, 'sample knowledge base imported');
  return imported;
}
