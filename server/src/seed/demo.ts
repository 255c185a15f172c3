/**
 * Seeds the demo city once per database. The marker row in app_meta is written in the same transaction, so
 * an interrupted seed leaves nothing behind and the next start seeds again.
 */
import type { AppContext } from '../context.ts';
import { systemActor } from '../platform/actor.ts';
import { recordAudit } from '../platform/audit.ts';
import { hashPassword } from '../modules/auth/index.ts';
import { insertDepartment, insertUser, replaceSkills } from '../modules/directory/index.ts';
import { demoDepartments, demoUsers } from './demo-data.ts';
import { seedDemoTickets } from './demo-tickets.ts';
import { importSampleContentOnce } from '../modules/knowledge/index.ts';

export async function seedDemoOnce(ctx: AppContext, password: string): Promise<boolean> {
  const done = await ctx.db.selectFrom('app_meta').select('key').where('key', '=', 'demo_seeded_at').executeTakeFirst();
  if (done) {
    // A database seeded before the work-order module existed still gets its demo tickets (once).
    await seedDemoTickets(ctx);
    return false;
  }
  // All demo accounts share one password; each still gets its own salted hash.
  const hashes = await Promise.all(demoUsers.map(() => hashPassword(password)));
  await ctx.db.transaction().execute(async (trx) => {
    // Lock the marker key first so two processes starting together do not both seed.
    const claimed = await trx
      .insertInto('app_meta')
      .values({ key: 'demo_seeded_at', value: JSON.stringify(new Date().toISOString()) })
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!claimed) return;
    const idOf = new Map<string, string>();
    for (const d of demoDepartments) {
      const { id } = await insertDepartment(trx, { ...d, parentId: d.parent ? idOf.get(d.parent) : null });
      if (d.supervisionOffice) await trx.updateTable('departments').set({ supervision_office: true }).where('id', '=', id).execute();
      idOf.set(d.code, id);
    }
    for (const [i, u] of demoUsers.entries()) {
      const { id } = await insertUser(trx, {
        username: u.username,
        displayName: u.displayName,
        employeeNo: u.employeeNo,
        role: u.role,
        departmentId: idOf.get(u.department) ?? null,
        passwordHash: hashes[i]!,
        isDemo: true,
      });
      await replaceSkills(trx, id, u.skills ?? []);
    }
    await recordAudit(trx, systemActor('seed'), {
      action: 'demo.seeded',
      entity: 'platform',
      data: { departments: demoDepartments.length, users: demoUsers.length },
    });
  });
  ctx.logger.info({ departments: demoDepartments.length, users: demoUsers.length }, 'demo data seeded');
  await seedDemoTickets(ctx);
  // The sample knowledge base (also imported on first start without the demo; idempotent either way).
  await importSampleContentOnce(ctx);
  return true;
}
