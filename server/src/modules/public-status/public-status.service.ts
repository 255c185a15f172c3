/**
 * 工单查询: a citizen names a ticket number and the last four digits of the phone they called from, and sees
 * the public part of its progress.
 *
 * Guessing is made unrewarding: lookups are limited per IP, failed lookups per ticket number, and a miss
 * looks and takes the same whether the number does not exist, has no phone, or the digits are wrong (one
 * answer, one message, the same queries, a constant-time comparison and a common minimum duration).
 */
import { countHit, forgetStaleWindows, peekHits } from '../../platform/rate-limit.ts';
import { timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import type { RequestOrigin } from '../../platform/actor.ts';
import { AppError } from '../../platform/errors.ts';
import type { Language } from '../../platform/i18n.ts';
import { presentPublicStatus, type PublicStatus } from './public-status.presenter.ts';
import * as repo from './public-status.repository.ts';

/** Limits per source; windows are shared by every server process. */
export const STATUS_LIMITS = {
  /** Lookups per IP per window. */
  perIp: 10,
  ipWindowSeconds: 60,
  /** Failed lookups of one ticket number per window, from anywhere (10,000 possible last-four digits). */
  failuresPerNumber: 10,
  numberWindowSeconds: 3600,
  /** Every miss takes at least this long, so a miss found early does not answer faster than one found late. */
  missFloorMs: 150,
} as const;

const NUMBER = /^[0-9A-Za-z-]{4,40}$/;
const LAST_FOUR = /^\d{4}$/;

function sameDigits(a: string, b: string): boolean {
  const x = Buffer.from(a.padEnd(4, '\0').slice(0, 4));
  const y = Buffer.from(b.padEnd(4, '\0').slice(0, 4));
  return timingSafeEqual(x, y) && a.length === b.length;
}

/**
 * The public progress of ticket `number` when `lastFour` matches the caller's phone, else null. No rate
 * limiting here: callers with their own limits (the chatbot counts failed lookups per conversation) use it
 * directly; the HTTP endpoint goes through `checkTicketStatus`.
 */
export async function lookUpPublicStatus(ctx: AppContext, input: { number: string; lastFour: string; language?: Language }): Promise<PublicStatus | null> {
  const number = input.number.trim();
  const lastFour = input.lastFour.trim();
  if (!NUMBER.test(number) || !LAST_FOUR.test(lastFour)) return null;
  const ticket = await repo.findTicketByNumber(ctx.db, number);
  // Compare against a dummy when there is nothing to compare with, so every miss does the same work.
  const matches = sameDigits(ticket?.caller_phone_last_four ?? '----', lastFour) && ticket?.caller_phone_last_four != null;
  if (!ticket || !matches) return null;
  const shown = ticket.state === 'merged' && ticket.master_ticket_id ? ((await repo.findTicketById(ctx.db, ticket.master_ticket_id)) ?? ticket) : ticket;
  const assignments = await repo.listAssignments(ctx.db, shown.id);
  return presentPublicStatus(ticket, shown, assignments, input.language ?? 'zh-CN');
}

/**
 * The status page's lookup: rate-limited per IP and per ticket number; a miss is one 404 with one message,
 * whatever part was wrong.
 */
export async function checkTicketStatus(ctx: AppContext, origin: RequestOrigin, input: { number: string; lastFour: string }): Promise<PublicStatus> {
  const started = performance.now();
  const ip = await countHit(ctx.db, `status:ip:${origin.ip ?? 'unknown'}`, STATUS_LIMITS.ipWindowSeconds);
  if (ip.count > STATUS_LIMITS.perIp) throw rateLimited(ip.resetInSeconds);
  const numberKey = `status:number:${input.number.trim().toUpperCase()}`;
  const failures = await peekHits(ctx.db, numberKey, STATUS_LIMITS.numberWindowSeconds);
  if (failures.count >= STATUS_LIMITS.failuresPerNumber) throw rateLimited(failures.resetInSeconds);
  const status = await lookUpPublicStatus(ctx, { ...input, language: origin.language });
  if (Math.random() < 0.01) await forgetStaleWindows(ctx.db);
  if (status) return status;
  await countHit(ctx.db, numberKey, STATUS_LIMITS.numberWindowSeconds);
  const wait = STATUS_LIMITS.missFloorMs - (performance.now() - started);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  throw new AppError('NOT_FOUND', { messageKey: 'status.error.not_found' });
}

function rateLimited(seconds: number): AppError {
  return new AppError('RATE_LIMITED', { messageKey: 'status.error.rate_limited', params: { seconds }, retryAfterSeconds: seconds });
}
