/**
 * The SMS side of follow-up: what the survey page shows for a link, the one answer a link accepts, and the
 * link's expiry (no answer by then: 联系不上). A link is refused when its signature fails (404), when it has
 * been answered (409 surveys.error.link_used) or when it has expired (409 surveys.error.link_expired).
 */
import type { AppContext } from '../../context.ts';
import type { RequestOrigin } from '../../platform/actor.ts';
import { recordAudit } from '../../platform/audit.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { hashLinkToken, readLinkToken } from './surveys.links.ts';
import * as repo from './surveys.repository.ts';
import type { CitizenAnswer } from './surveys.schema.ts';
import { finishAttempt, recordAnswer, type SurveyOptions } from './surveys.service.ts';

const linkUsed = () => new AppError('CONFLICT', { messageKey: 'surveys.error.link_used', details: { reason: 'used' } });
const linkExpired = () => new AppError('CONFLICT', { messageKey: 'surveys.error.link_expired', details: { reason: 'expired' } });

/** Checks the token's signature and expiry, then its row; throws the refusal the citizen sees. */
async function openLink(ctx: AppContext, token: string, now: Date) {
  const read = readLinkToken(ctx.jwtSecret, token, now);
  if (!read.ok && read.reason === 'invalid') throw notFound('entity.survey_link');
  const link = await ctx.db.selectFrom('survey_links').selectAll().where('id', '=', read.link!.linkId).executeTakeFirst();
  if (!link || !link.token_hash.equals(hashLinkToken(token))) throw notFound('entity.survey_link');
  return { link, expired: !read.ok || now >= link.expires_at };
}

/** What the survey page shows: the ticket's number and title, and whether the link can still be answered. */
export async function describeLink(ctx: AppContext, token: string, options: SurveyOptions = {}) {
  const now = options.now ?? new Date();
  const { link, expired } = await openLink(ctx, token, now);
  const survey = await repo.findSurvey(ctx.db, link.survey_id);
  const ticket = survey ? await repo.findTicket(ctx.db, survey.ticket_id) : undefined;
  if (!survey || !ticket) throw notFound('entity.survey_link');
  const status = link.used_at ? 'answered' : expired || survey.state !== 'sms_sent' ? 'expired' : 'open';
  return { status, number: ticket.number, title: ticket.title, expiresAt: link.expires_at.toISOString() } as const;
}

/** The citizen's one answer through the link. */
export async function submitSmsAnswer(ctx: AppContext, origin: RequestOrigin, token: string, answer: { result: CitizenAnswer; comment?: string | undefined }, options: SurveyOptions = {}) {
  const now = options.now ?? new Date();
  const { link: found, expired } = await openLink(ctx, token, now);
  if (found.used_at) throw linkUsed();
  if (expired) throw linkExpired();
  const after: (() => unknown)[] = [];
  await ctx.db.transaction().execute(async (trx) => {
    const survey = await repo.lockSurvey(trx, found.survey_id);
    const link = await repo.lockLink(trx, found.id);
    if (!survey || !link) throw notFound('entity.survey_link');
    if (link.used_at) throw linkUsed();
    // Answered on another channel, or settled by a person meanwhile: this link is spent.
    if (survey.state !== 'sms_sent') throw linkExpired();
    await trx.updateTable('survey_links').set({ used_at: now }).where('id', '=', link.id).execute();
    await repo.updateAttempt(trx, link.attempt_id, { status: 'answered', result: answer.result, ended_at: now });
    await recordAnswer(ctx, trx, survey, { result: answer.result, channel: 'sms', comment: answer.comment ?? null }, now, after);
    await recordAudit(trx, { kind: 'anonymous', ...origin }, { action: 'survey.answered', entity: 'survey', entityId: survey.id, data: { channel: 'sms', result: answer.result } });
  });
  for (const fn of after) fn();
  return { accepted: true };
}

/** The link's expiry: unanswered by then, the SMS attempt failed and the survey ends 联系不上. */
export async function expireLink(ctx: AppContext, input: { surveyId: string }, options: SurveyOptions = {}): Promise<void> {
  const now = options.now ?? new Date();
  const link = await ctx.db
    .selectFrom('survey_links')
    .selectAll()
    .where('survey_id', '=', input.surveyId)
    .where('used_at', 'is', null)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  if (!link || link.expires_at > now) return;
  await finishAttempt(ctx, link.attempt_id, { status: 'expired' }, { now });
}
