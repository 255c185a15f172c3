/**
 * Hotspot use cases: the detection run the scheduled job makes, and what supervisors and the admin do with
 * alerts (read, acknowledge with a note, change the thresholds). One use case, one transaction; pushes go
 * out after commit.
 */
import type { AppContext } from '../../context.ts';
import { systemActor, type UserActor } from '../../platform/actor.ts';
import { recordAudit } from '../../platform/audit.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { detectHotspots, type HotspotRules } from './detection.ts';
import { alertedRoles, mayAcknowledgeHotspots, mayEditHotspotRules, mayReadHotspots } from './hotspots.policy.ts';
import { presentAlert, presentAlertTicket } from './hotspots.presenter.ts';
import * as repo from './hotspots.repository.ts';

export type DetectionResult = { opened: string[]; updated: string[]; closed: string[]; linkedTickets: number };

/**
 * Counts every group's windows, applies the rule, and brings the alerts in line: a new hotspot opens an alert
 * (pushed to supervisors), a lasting one updates its open alert and links its newer tickets, and an open
 * alert whose group no longer bursts in any window is closed. Running it twice for the same moment changes
 * nothing the second time; concurrent runs wait for each other (advisory lock).
 */
export async function runHotspotDetection(ctx: AppContext, options: { now?: Date } = {}): Promise<DetectionResult> {
  const now = options.now ?? new Date();
  const actor = systemActor('hotspots');
  const result: DetectionResult = { opened: [], updated: [], closed: [], linkedTickets: 0 };
  await ctx.db.transaction().execute(async (trx) => {
    await repo.lockDetection(trx);
    const rules = await repo.loadRules(trx);
    const hotspots = detectHotspots(await repo.countWindows(trx, now, rules), rules);
    const open = new Map((await repo.lockOpenAlerts(trx)).map((a) => [`${a.category_id}\u0000${a.district}`, a]));
    for (const hotspot of hotspots) {
      const key = `${hotspot.key.categoryId}\u0000${hotspot.key.district}`;
      const existing = open.get(key);
      let alertId: string;
      if (existing) {
        open.delete(key);
        alertId = existing.id;
        await repo.refreshAlert(trx, existing, hotspot, now);
        result.updated.push(alertId);
      } else {
        alertId = await repo.insertAlert(trx, hotspot, now);
        result.opened.push(alertId);
        await recordAudit(trx, actor, {
          action: 'hotspot.detected',
          entity: 'hotspot_alert',
          entityId: alertId,
          data: { categoryId: hotspot.key.categoryId, district: hotspot.key.district, strongest: hotspot.strongest },
        });
      }
      // The tickets behind the alert: those in the longest window that is bursting now.
      const hours = Math.max(...hotspot.windows.filter((w) => w.verdict === 'burst').map((w) => w.windowHours));
      result.linkedTickets += await repo.linkTickets(trx, alertId, hotspot, now, hours);
    }
    for (const ended of open.values()) {
      await repo.closeAlert(trx, ended.id, now);
      result.closed.push(ended.id);
      await recordAudit(trx, actor, { action: 'hotspot.closed', entity: 'hotspot_alert', entityId: ended.id, data: { categoryId: ended.category_id, district: ended.district } });
    }
  });
  if (result.opened.length + result.closed.length > 0) {
    ctx.logger.info({ opened: result.opened.length, updated: result.updated.length, closed: result.closed.length }, 'hotspot alerts changed');
  }
  for (const id of result.opened) {
    const row = await repo.findAlert(ctx.db, id);
    if (row) for (const role of alertedRoles) ctx.publish.toRole(role, 'hotspot.detected', presentAlert(row));
  }
  for (const id of result.closed) for (const role of alertedRoles) ctx.publish.toRole(role, 'hotspot.closed', { id });
  return result;
}

function requireReader(actor: UserActor): void {
  if (!mayReadHotspots(actor)) throw new AppError('FORBIDDEN');
}

export async function listHotspotAlerts(ctx: AppContext, actor: UserActor, filter: { state: 'open' | 'closed' | 'all'; limit: number; offset: number }) {
  requireReader(actor);
  return (await repo.listAlerts(ctx.db, filter)).map(presentAlert);
}

/** An alert with the tickets behind it (at most `ticketLimit`, newest first). */
export async function getHotspotAlert(ctx: AppContext, actor: UserActor, id: string, ticketLimit = 200) {
  requireReader(actor);
  const row = await repo.findAlert(ctx.db, id);
  if (!row) throw notFound('entity.hotspot_alert');
  const tickets = await repo.alertTickets(ctx.db, id, ticketLimit);
  return { ...presentAlert(row), tickets: tickets.map(presentAlertTicket) };
}

/** 签收预警: a supervisor says the alert has been seen and what is being done, once; audited. */
export async function acknowledgeHotspotAlert(ctx: AppContext, actor: UserActor, id: string, note: string) {
  if (!mayAcknowledgeHotspots(actor)) throw new AppError('FORBIDDEN');
  const now = new Date();
  await ctx.db.transaction().execute(async (trx) => {
    const alert = await repo.lockAlert(trx, id);
    if (!alert) throw notFound('entity.hotspot_alert');
    if (alert.acknowledged_at) throw new AppError('CONFLICT', { messageKey: 'hotspots.error.already_acknowledged' });
    await repo.acknowledgeAlert(trx, id, actor.id, note, now);
    await recordAudit(trx, actor, { action: 'hotspot.acknowledged', entity: 'hotspot_alert', entityId: id, data: { note, state: alert.state } });
  });
  const row = await repo.findAlert(ctx.db, id);
  const json = presentAlert(row!);
  for (const role of alertedRoles) ctx.publish.toRole(role, 'hotspot.acknowledged', json);
  return json;
}

export async function getHotspotRules(ctx: AppContext, actor: UserActor) {
  requireReader(actor);
  const { updatedAt, updatedBy, ...rules } = await repo.loadRules(ctx.db);
  return { rules, updatedAt: updatedAt?.toISOString() ?? null, updatedBy };
}

export async function updateHotspotRules(ctx: AppContext, actor: UserActor, rules: HotspotRules) {
  if (!mayEditHotspotRules(actor)) throw new AppError('FORBIDDEN');
  await ctx.db.transaction().execute(async (trx) => {
    const { updatedAt: _a, updatedBy: _b, ...before } = await repo.loadRules(trx);
    await repo.saveRules(trx, rules, actor.id);
    await recordAudit(trx, actor, { action: 'hotspot_rules.updated', entity: 'hotspot_settings', entityId: null, data: { before, after: rules } });
  });
  return getHotspotRules(ctx, actor);
}
