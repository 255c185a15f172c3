/**
 * Reading follow-up: the supervisors' queue, the results of one ticket, the policy, and the figures per
 * department, agent and period. Department isolation is in the SQL (`figuresScope` → WHERE).
 *
 * Definitions (one place, so the console and reports agree):
 *  - answered = 满意 + 基本满意 + 不满意 (a rating given); reached = answered + 拒绝评价;
 *  - 满意率 = (满意 + 基本满意) / answered;
 *  - 联系不上 share = unreachable / surveys finished (every outcome);
 *  - 回访率 = tickets closed in the period whose caller was reached by a survey / tickets closed in the period
 *    (handled closures only: not resolved on the call, transferred, informed, merged or sub-unit tickets).
 *  A survey counts in the period its outcome arrived (completed_at).
 */
import { sql } from 'kysely';
import type { AppContext } from '../../context.ts';
import type { UserActor } from '../../platform/actor.ts';
import { AppError } from '../../platform/errors.ts';
import { getTicket } from '../tickets/index.ts';
import { figuresScope, mayDecide, maySeeComment, mayReadResults } from './surveys.policy.ts';
import * as repo from './surveys.repository.ts';

const outcomeLabels: Record<string, { 'zh-CN': string; en: string }> = {
  satisfied: { 'zh-CN': '满意', en: 'Satisfied' },
  basically_satisfied: { 'zh-CN': '基本满意', en: 'Basically satisfied' },
  unsatisfied: { 'zh-CN': '不满意', en: 'Unsatisfied' },
  unreachable: { 'zh-CN': '联系不上', en: 'Unreachable' },
  declined: { 'zh-CN': '拒绝评价', en: 'Declined' },
};

function presentSurvey(s: repo.SurveyRow, attempts: repo.AttemptRow[], options: { comment: boolean; language: 'zh-CN' | 'en' }) {
  return {
    id: s.id,
    ticketId: s.ticket_id,
    round: s.round,
    state: s.state,
    outcome: s.outcome,
    outcomeLabel: s.outcome ? outcomeLabels[s.outcome]![options.language] : null,
    answeredChannel: s.answered_channel,
    answeredAt: s.answered_at?.toISOString() ?? null,
    comment: options.comment ? s.comment : null,
    commentRecorded: s.comment_recording_sid !== null,
    commentTranscriptStatus: s.comment_transcript_status,
    nextAttemptAt: s.next_attempt_at?.toISOString() ?? null,
    decision: s.decision,
    decisionNote: s.decision_note,
    decidedAt: s.decided_at?.toISOString() ?? null,
    skipReason: s.skip_reason,
    createdAt: s.created_at.toISOString(),
    completedAt: s.completed_at?.toISOString() ?? null,
    attempts: attempts
      .filter((a) => a.survey_id === s.id)
      .map((a) => ({ attemptNo: a.attempt_no, channel: a.channel, status: a.status, result: a.result, startedAt: a.started_at.toISOString(), endedAt: a.ended_at?.toISOString() ?? null })),
  };
}

/** Every survey of a ticket with its attempts, for the ticket page (the ticket's own visibility applies). */
export async function surveysOfTicket(ctx: AppContext, actor: UserActor, ticketId: string) {
  if (!mayReadResults(actor)) throw new AppError('FORBIDDEN');
  const ticket = await getTicket(ctx, actor, ticketId);
  const surveys = await repo.surveysOfTicket(ctx.db, ticketId);
  const attempts = await repo.attemptsOf(ctx.db, surveys.map((s) => s.id));
  const comment = maySeeComment(actor, { confidential: Boolean((ticket as { confidential?: boolean }).confidential) });
  return { items: surveys.map((s) => presentSurvey(s, attempts, { comment, language: actor.language })) };
}

/** The supervisors' queue: 不满意 waiting for a decision, or recent 联系不上. */
export async function listQueue(ctx: AppContext, actor: UserActor, query: { kind: 'unsatisfied' | 'unreachable'; limit: number }) {
  if (!mayDecide(actor)) throw new AppError('FORBIDDEN');
  let q = ctx.db
    .selectFrom('surveys as s')
    .innerJoin('tickets as t', 't.id', 's.ticket_id')
    .leftJoin('departments as d', 'd.id', 's.department_id')
    .selectAll('s')
    .select(['t.number', 't.title', 't.type as ticketType', 't.caller_phone_masked as phoneMasked', 't.reopen_count as reopenCount', 'd.name as departmentName']);
  q = query.kind === 'unsatisfied' ? q.where('s.state', '=', 'awaiting_decision') : q.where('s.outcome', '=', 'unreachable').where('s.completed_at', '>', new Date(Date.now() - 30 * 86_400_000));
  const rows = await q.orderBy('s.completed_at', 'desc').limit(query.limit).execute();
  const attempts = await repo.attemptsOf(ctx.db, rows.map((r) => r.id));
  return {
    items: rows.map((r) => ({
      ...presentSurvey(r, attempts, { comment: true, language: actor.language }),
      ticket: { id: r.ticket_id, number: r.number, title: r.title, type: r.ticketType, phoneMasked: r.phoneMasked, reopenCount: r.reopenCount },
      department: r.department_id ? { id: r.department_id, name: r.departmentName } : null,
    })),
  };
}

type Counts = { finished: number; satisfied: number; basically: number; unsatisfied: number; declined: number; unreachable: number; closed: number; surveyed: number };

function rates(c: Counts) {
  const answered = c.satisfied + c.basically + c.unsatisfied;
  const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 10_000) / 10_000);
  return {
    ...c,
    answered,
    /** 满意率 */
    satisfactionRate: ratio(c.satisfied + c.basically, answered),
    /** 联系不上 share */
    unreachableShare: ratio(c.unreachable, c.finished),
    /** 回访率 */
    surveyRate: ratio(c.surveyed, c.closed),
  };
}

/**
 * Figures over [from, to): overall, per lead department, per registering agent, and 一次一评 per agent.
 * A department's staff see only their own department's row and total.
 */
export async function surveyFigures(ctx: AppContext, actor: UserActor, period: { from?: string | undefined; to?: string | undefined }) {
  const scope = figuresScope(actor);
  if (!scope) throw new AppError('FORBIDDEN');
  const to = period.to ? new Date(period.to) : new Date();
  const from = period.from ? new Date(period.from) : new Date(to.getTime() - 30 * 86_400_000);
  const department = scope.kind === 'department' ? scope.departmentId : null;

  const surveyRows = await sql<{ key: string | null; name: string | null; by: 'department' | 'agent'; finished: number; satisfied: number; basically: number; unsatisfied: number; declined: number; unreachable: number }>`
    with finished as (
      select s.* from surveys s
       where s.outcome is not null and s.completed_at >= ${from} and s.completed_at < ${to}
         and (${department}::uuid is null or s.department_id = ${department}::uuid)
    )
    select 'department' as by, f.department_id::text as key, d.name as name,
           count(*)::int as finished,
           count(*) filter (where outcome = 'satisfied')::int as satisfied,
           count(*) filter (where outcome = 'basically_satisfied')::int as basically,
           count(*) filter (where outcome = 'unsatisfied')::int as unsatisfied,
           count(*) filter (where outcome = 'declined')::int as declined,
           count(*) filter (where outcome = 'unreachable')::int as unreachable
      from finished f left join departments d on d.id = f.department_id
     group by f.department_id, d.name
    union all
    select 'agent', f.agent_id::text, u.display_name,
           count(*)::int,
           count(*) filter (where outcome = 'satisfied')::int,
           count(*) filter (where outcome = 'basically_satisfied')::int,
           count(*) filter (where outcome = 'unsatisfied')::int,
           count(*) filter (where outcome = 'declined')::int,
           count(*) filter (where outcome = 'unreachable')::int
      from finished f left join users u on u.id = f.agent_id
     where ${department}::uuid is null
     group by f.agent_id, u.display_name
  `.execute(ctx.db);

  // 回访率: handled closures in the period, and those whose caller some survey reached.
  const closedRows = await sql<{ by: 'department' | 'agent'; key: string | null; name: string | null; closed: number; surveyed: number }>`
    with closed as (
      select t.id, t.registered_by,
             (select a.department_id from ticket_assignments a where a.ticket_id = t.id and a.role = 'lead' and a.state = 'done' order by a.created_at desc limit 1) as department_id,
             exists (select 1 from surveys s where s.ticket_id = t.id and s.outcome in ('satisfied', 'basically_satisfied', 'unsatisfied', 'declined')) as surveyed
        from tickets t
       where t.state = 'closed' and t.closure = 'handled' and t.parent_ticket_id is null
         and t.closed_at >= ${from} and t.closed_at < ${to}
    )
    select 'department' as by, c.department_id::text as key, d.name as name, count(*)::int as closed, count(*) filter (where c.surveyed)::int as surveyed
      from closed c left join departments d on d.id = c.department_id
     where (${department}::uuid is null or c.department_id = ${department}::uuid)
     group by c.department_id, d.name
    union all
    select 'agent', c.registered_by::text, u.display_name, count(*)::int, count(*) filter (where c.surveyed)::int
      from closed c left join users u on u.id = c.registered_by
     where ${department}::uuid is null
     group by c.registered_by, u.display_name
  `.execute(ctx.db);

  const ratings = department
    ? { rows: [] as { key: string | null; name: string | null; offered: number; rated: number; satisfied: number; basically: number; unsatisfied: number }[] }
    : await sql<{ key: string | null; name: string | null; offered: number; rated: number; satisfied: number; basically: number; unsatisfied: number }>`
        select r.agent_id::text as key, u.display_name as name, count(*)::int as offered,
               count(*) filter (where r.status = 'rated')::int as rated,
               count(*) filter (where r.rating = 'satisfied')::int as satisfied,
               count(*) filter (where r.rating = 'basically_satisfied')::int as basically,
               count(*) filter (where r.rating = 'unsatisfied')::int as unsatisfied
          from call_ratings r left join users u on u.id = r.agent_id
         where r.created_at >= ${from} and r.created_at < ${to} and r.status <> 'failed'
         group by r.agent_id, u.display_name
         order by offered desc
      `.execute(ctx.db);

  const empty = (): Counts => ({ finished: 0, satisfied: 0, basically: 0, unsatisfied: 0, declined: 0, unreachable: 0, closed: 0, surveyed: 0 });
  const groups = { department: new Map<string, Counts & { name: string | null }>(), agent: new Map<string, Counts & { name: string | null }>() };
  const total = empty();
  for (const r of surveyRows.rows) {
    const g = groups[r.by];
    const key = r.key ?? 'none';
    const c = g.get(key) ?? { ...empty(), name: r.name };
    for (const k of ['finished', 'satisfied', 'basically', 'unsatisfied', 'declined', 'unreachable'] as const) {
      c[k] += r[k];
      if (r.by === 'department') total[k] += r[k];
    }
    g.set(key, c);
  }
  for (const r of closedRows.rows) {
    const g = groups[r.by];
    const key = r.key ?? 'none';
    const c = g.get(key) ?? { ...empty(), name: r.name };
    c.closed += r.closed;
    c.surveyed += r.surveyed;
    if (r.by === 'department') {
      total.closed += r.closed;
      total.surveyed += r.surveyed;
    }
    g.set(key, c);
  }
  const list = (m: Map<string, Counts & { name: string | null }>) =>
    [...m.entries()].map(([id, c]) => ({ id: id === 'none' ? null : id, name: c.name, ...rates(c) })).sort((a, b) => b.finished - a.finished || b.closed - a.closed);
  const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 10_000) / 10_000);
  return {
    period: { from: from.toISOString(), to: to.toISOString() },
    total: rates(total),
    departments: list(groups.department),
    agents: list(groups.agent),
    callRatings: ratings.rows.map((r) => ({ ...r, id: r.key, satisfactionRate: ratio(r.satisfied + r.basically, r.rated), ratingRate: ratio(r.rated, r.offered) })),
  };
}
