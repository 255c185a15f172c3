/**
 * Open311 GeoReport v2 use cases: services (the catalogue's leaves), filing a request (a ticket on channel
 * `open311`, registered through the work-order module and queued for the hotline to dispatch), following
 * requests, and the admin's API keys. Errors are AppErrors; the routes render them in the spec's format.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import type { RequestOrigin, SystemActor, UserActor } from '../../platform/actor.ts';
import { recordAudit } from '../../platform/audit.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { Language } from '../../platform/i18n.ts';
import { translate } from '../../platform/i18n.ts';
import { RegisterTicketBody, registerTicket } from '../tickets/index.ts';
import { canManageOpen311Keys } from './open311.policy.ts';
import { presentRequest, presentService } from './open311.presenter.ts';
import * as repo from './open311.repository.ts';
import { ListRequestsParams, PostRequestParams } from './open311.schema.ts';

/** Without ids or dates, GET requests.json covers the last 90 days (the spec's suggestion), at most 1,000 requests. */
const DEFAULT_DAYS = 90;
const MAX_REQUESTS = 1000;

const KEY_PREFIX = 'o311_';
const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest();

function parse<T>(schema: z.ZodType<T>, params: unknown, language: Language): T {
  const locale = language === 'en' ? z.locales.en() : z.locales.zhCN();
  const parsed = schema.safeParse(params, { error: locale.localeError });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.') || 'parameters';
  throw new AppError('VALIDATION', { messageKey: 'open311.error.parameter', params: { field, issue: issue.message }, field });
}

export async function listServices(ctx: AppContext, language: Language) {
  return (await repo.listServices(ctx.db)).map((s) => presentService(s, language));
}

/** The service definition: no extra attributes are asked for (every service has `metadata: false`). */
export async function getServiceDefinition(ctx: AppContext, code: string) {
  const service = (await repo.listServices(ctx.db)).find((s) => s.code === code);
  if (!service) throw new AppError('NOT_FOUND', { messageKey: 'open311.error.unknown_service', params: { code: code.slice(0, 64) } });
  return { service_code: service.code, attributes: [] as unknown[] };
}

export async function listRequests(ctx: AppContext, query: unknown, language: Language) {
  const p = parse(ListRequestsParams, query, language);
  const from = p.start_date ? new Date(p.start_date) : p.service_request_id ? undefined : new Date(Date.now() - DEFAULT_DAYS * 86_400_000);
  const rows = await repo.listRequests(ctx.db, {
    ...(p.service_request_id ? { numbers: p.service_request_id } : {}),
    ...(p.service_code ? { serviceCodes: p.service_code } : {}),
    ...(from ? { from } : {}),
    ...(p.end_date ? { to: new Date(p.end_date) } : {}),
    ...(p.status ? { status: p.status } : {}),
    limit: MAX_REQUESTS,
  });
  return rows.map((r) => presentRequest(r, language));
}

export async function getRequest(ctx: AppContext, id: string, language: Language) {
  const [row] = /^[0-9A-Za-z-]{1,40}$/.test(id) ? await repo.listRequests(ctx.db, { numbers: [id], limit: 1 }) : [];
  if (!row) throw new AppError('NOT_FOUND', { messageKey: 'open311.error.request_not_found', params: { id: id.slice(0, 40) } });
  return [presentRequest(row, language)];
}

/** The key's client, or 403: a missing, unknown and revoked key look the same. */
async function authenticateKey(ctx: AppContext, apiKey: unknown): Promise<{ id: string; name: string }> {
  const key = typeof apiKey === 'string' && apiKey.startsWith(KEY_PREFIX) && apiKey.length < 200 ? await repo.useApiKey(ctx.db, hashKey(apiKey)) : undefined;
  if (!key) throw new AppError('FORBIDDEN', { messageKey: 'open311.error.api_key' });
  return key;
}

/**
 * POST requests.json: files a ticket (channel open311, type 求助 help, queued for dispatch by the hotline).
 * The reporter's name and phone go into the ticket's protected caller fields (so the 受理 SMS reaches them and
 * the status page works); e-mail, device and account ids are not kept.
 */
export async function submitRequest(ctx: AppContext, origin: RequestOrigin, params: Record<string, unknown>) {
  const client = await authenticateKey(ctx, params.api_key);
  const p = parse(PostRequestParams, params, origin.language);
  if (!p.service_code) throw new AppError('VALIDATION', { messageKey: 'open311.error.service_code', field: 'service_code' });
  const service = (await repo.listServices(ctx.db)).find((s) => s.code === p.service_code);
  if (!service) throw new AppError('NOT_FOUND', { messageKey: 'open311.error.unknown_service', params: { code: p.service_code } });
  const hasPoint = p.lat !== undefined && p.long !== undefined;
  if ((p.lat === undefined) !== (p.long === undefined) || (!hasPoint && !p.address_string)) {
    throw new AppError('VALIDATION', { messageKey: 'open311.error.location', field: 'lat' });
  }
  const text = p.description && p.description.length >= 2 ? p.description : service.name;
  const description = p.media_url ? `${text}\n图片 Media: ${p.media_url}` : text;
  const name = [p.last_name, p.first_name].filter(Boolean).join('');
  const input = RegisterTicketBody.safeParse({
    channel: 'open311',
    type: 'help',
    urgency: 'normal',
    categoryId: service.id,
    title: [...`${service.name}：${text.split('\n')[0]}`].slice(0, 60).join(''),
    description,
    ...(p.address_string ? { address: p.address_string } : {}),
    ...(hasPoint ? { latitude: p.lat, longitude: p.long } : {}),
    caller: { ...(name ? { name } : {}), ...(p.phone ? { phone: p.phone } : {}) },
    disposition: 'pending_dispatch',
  });
  if (!input.success) {
    const issue = input.error.issues[0]!;
    throw new AppError('VALIDATION', { messageKey: 'open311.error.parameter', params: { field: issue.path.join('.'), issue: issue.message } });
  }
  const actor: SystemActor = { kind: 'system', name: `open311:${client.name}`, ip: origin.ip, userAgent: origin.userAgent, language: origin.language };
  const ticketId = await registerTicket(ctx, actor, input.data);
  const ticket = await ctx.db.selectFrom('tickets').select('number').where('id', '=', ticketId).executeTakeFirstOrThrow();
  return [{ service_request_id: ticket.number, service_notice: translate('open311.notice.received', origin.language, { number: ticket.number }), account_id: null }];
}

// ── API keys (admin) ─────────────────────────────────────────────────────────────────────────────────────────

function presentKey(k: { id: string; name: string; key_prefix: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null }) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.key_prefix,
    createdAt: k.created_at.toISOString(),
    lastUsedAt: k.last_used_at?.toISOString() ?? null,
    revokedAt: k.revoked_at?.toISOString() ?? null,
  };
}

function requireAdmin(actor: UserActor): void {
  if (!canManageOpen311Keys(actor)) throw new AppError('FORBIDDEN');
}

/** Makes a key; the clear key is in this answer only (the table keeps its SHA-256). */
export async function createApiKey(ctx: AppContext, actor: UserActor, input: { name: string }) {
  requireAdmin(actor);
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const row = await ctx.db.transaction().execute(async (trx) => {
    const created = await repo.insertApiKey(trx, { name: input.name, prefix: key.slice(0, KEY_PREFIX.length + 6), hash: hashKey(key), createdBy: actor.id });
    await recordAudit(trx, actor, { action: 'open311.key_created', entity: 'open311_api_key', entityId: created.id, data: { name: input.name, prefix: created.key_prefix } });
    return created;
  });
  return { ...presentKey(row), key };
}

export async function listApiKeys(ctx: AppContext, actor: UserActor) {
  requireAdmin(actor);
  return { items: (await repo.listApiKeys(ctx.db)).map(presentKey) };
}

export async function revokeApiKey(ctx: AppContext, actor: UserActor, id: string): Promise<void> {
  requireAdmin(actor);
  await ctx.db.transaction().execute(async (trx) => {
    const revoked = await repo.revokeApiKey(trx, id);
    if (!revoked) throw notFound('entity.open311_key');
    await recordAudit(trx, actor, { action: 'open311.key_revoked', entity: 'open311_api_key', entityId: id, data: { name: revoked.name } });
  });
}
