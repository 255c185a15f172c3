/**
 * THE measures of the hotline (DOMAIN.md "Measures"), each defined once: a plain-words description (zh-CN + en)
 * and the SQL that computes it from the call and ticket rows and their event trails.
 *
 * Every measure is a "facts" query: one row per counted item (a call, a ticket, an assignment or a survey
 * answer) that is in the denominator, with `num` = 1/0 (ratios) or seconds (averages). The figure is then
 * sum(num) / count(*), per cut; the drill-down is the same facts query listed row by row. Because the figure
 * and the list behind it come from one query, they can never disagree.
 *
 * Choices (configurable through `MeasureOptions`, described in each definition):
 *  - short abandons: calls abandoned after waiting less than `shortAbandonSeconds` (default 5) are left out
 *    of every call measure (numerator and denominator): a caller who hangs up at once was never really queued;
 *  - merged tickets (并单) are left out: their master ticket is the one counted, once;
 *  - sub-unit tickets (下派 children) are not new requests: they count only in department (assignment) measures;
 *  - open at the period's end: the figures are taken as of the period's end (or now, if earlier). An
 *    assignment not yet signed / replied by then counts as late once its deadline has passed, and is left out
 *    while its deadline is still ahead (`openPastDeadline: 'exclude'` leaves out the late ones too).
 */
import { sql, type RawBuilder } from 'kysely';

export type MeasureOptions = {
  /** Calls abandoned after waiting less than this many seconds are not counted at all. Default 5. */
  shortAbandonSeconds: number;
  /** The answer threshold of the service level (GB/T 33358: 15 s). */
  serviceLevelSeconds: number;
  /** Assignments still open at the period's end and past their deadline: counted late (default) or left out. */
  openPastDeadline: 'late' | 'exclude';
};

export const defaultMeasureOptions: MeasureOptions = { shortAbandonSeconds: 5, serviceLevelSeconds: 15, openPastDeadline: 'late' };

/** The period [from, to) and the moment open items are judged at (min(to, now)). */
export type MeasurePeriod = { from: Date; to: Date; asOf: Date };

export const cuts = ['department', 'desk', 'agent', 'channel', 'type', 'category'] as const;
export type Cut = (typeof cuts)[number];

/** The facts column each cut groups by. */
export const cutColumn: Record<Cut, string> = {
  department: 'department_id',
  desk: 'desk',
  agent: 'agent_id',
  channel: 'channel',
  type: 'type',
  category: 'category_id',
};

type Text = { 'zh-CN': string; en: string };

export type MeasureDefinition = {
  key: string;
  label: Text;
  /** ratio: numerator / denominator in 0..1; seconds: an average duration. */
  unit: 'ratio' | 'seconds';
  /** What one row behind the figure is; the drill-down lists these. */
  item: 'call' | 'ticket' | 'assignment' | 'survey';
  /** Cuts that mean something for this measure (the others put every row under "none"). */
  cuts: readonly Cut[];
  description: Text;
  numerator: Text;
  denominator: Text;
  /** The facts query: one row per item in the denominator. */
  facts(p: MeasurePeriod, o: MeasureOptions): RawBuilder<Fact>;
  /**
   * Whether a fact depends on the moment the figure is judged at (`p.asOf`), not only on the rows: such a
   * measure's facts over [a, c) are not the facts over [a, b) plus those over [b, c) unless both are judged
   * at the same moment. The rollups (rollups.ts) keep these per moment; the others once per day.
   */
  judgedAtPeriodEnd: boolean;
  /**
   * For measures judged at a moment: the instants after `p.asOf` at which a fact of the period changes by the
   * clock alone (an open item's deadline passes), one row per such item, `at` being the item's period time.
   * A rollup judged at `p.asOf` holds until the earliest of them.
   */
  clockChanges?(p: MeasurePeriod, o: MeasureOptions): RawBuilder<{ at: Date; next: Date }>;
};

/** One counted item. `num` is 1/0 for ratios, seconds for averages. */
export type Fact = {
  id: string;
  ref: string | null;
  department_id: string | null;
  desk: string | null;
  agent_id: string | null;
  channel: string | null;
  type: string | null;
  category_id: string | null;
  num: string | number;
  at: Date;
};

// ── Building blocks ───────────────────────────────────────────────────────────────────────────────────────────

/**
 * Inbound calls that reached the queue in the period, short abandons left out. `more` adds columns after the
 * Fact ones (the wrap-up report reads the code on the same rows as 接通率).
 */
function callFacts(p: MeasurePeriod, o: MeasureOptions, num: RawBuilder<unknown>, extra: RawBuilder<unknown> = sql`true`, more: RawBuilder<unknown> = sql``): RawBuilder<Fact> {
  return sql<Fact>`
    select c.id::text as id, c.call_sid as ref, null::uuid as department_id, coalesce(c.desk, 'general') as desk,
           c.answered_by as agent_id, 'phone'::text as channel, null::text as type, null::uuid as category_id,
           (${num})::numeric as num, c.offered_at as at ${more}
      from calls c
     where c.direction = 'inbound' and c.queued_at is not null
       and c.offered_at >= ${p.from} and c.offered_at < ${p.to}
       and not (c.abandoned_at is not null and coalesce(c.wait_seconds, 0) < ${o.shortAbandonSeconds})
       and ${extra}`;
}

/** The ticket's lead department: the open lead, else the latest lead (a returned one). */
const leadDepartment = sql`(select a.department_id from ticket_assignments a
   where a.ticket_id = t.id and a.role = 'lead'
   order by (a.state in ('returned', 'withdrawn')), a.dispatched_at desc limit 1)`;

/** Citizen requests (not merged duplicates, not sub-unit children). */
const countedTicket = sql`t.state <> 'merged' and t.parent_ticket_id is null`;

function ticketFacts(num: RawBuilder<unknown>, where: RawBuilder<unknown>, at: RawBuilder<unknown> = sql`t.created_at`): RawBuilder<Fact> {
  return sql<Fact>`
    select t.id::text as id, t.number as ref, ${leadDepartment} as department_id, null::text as desk,
           t.registered_by as agent_id, t.channel, t.type, t.category_id, (${num})::numeric as num, ${at} as at
      from tickets t
     where ${countedTicket} and ${where}`;
}

/** Assignments dispatched in the period (withdrawn ones never reached the department). */
function assignmentFacts(p: MeasurePeriod, num: RawBuilder<unknown>, extra: RawBuilder<unknown>): RawBuilder<Fact> {
  return sql<Fact>`
    select a.id::text as id, t.number as ref, a.department_id, null::text as desk, t.registered_by as agent_id,
           t.channel, t.type, t.category_id, (${num})::numeric as num, a.dispatched_at as at
      from ticket_assignments a join tickets t on t.id = a.ticket_id
     where a.dispatched_at >= ${p.from} and a.dispatched_at < ${p.to} and a.state <> 'withdrawn' and t.state <> 'merged'
       and ${extra}`;
}

/** Done by the period's end: `done` before asOf. Open and past `due` at asOf: late (or left out). */
function onTimeAssignments(p: MeasurePeriod, o: MeasureOptions, done: 'signed_at' | 'replied_at', due: 'sign_by' | 'handle_by'): RawBuilder<Fact> {
  const doneCol = sql.ref(`a.${done}`);
  const dueCol = sql.ref(`a.${due}`);
  const finished = sql`(${doneCol} is not null and ${doneCol} < ${p.asOf})`;
  const lateOpen = o.openPastDeadline === 'late' ? sql`${dueCol} < ${p.asOf}` : sql`false`;
  return assignmentFacts(
    p,
    sql`case when ${finished} and ${doneCol} <= ${dueCol} then 1 else 0 end`,
    sql`a.state <> 'returned' and (${finished} or ${lateOpen})`,
  );
}

/** The open assignments `onTimeAssignments` leaves out at asOf only because their deadline is still ahead. */
function onTimeClockChanges(p: MeasurePeriod, o: MeasureOptions, done: 'signed_at' | 'replied_at', due: 'sign_by' | 'handle_by') {
  const doneCol = sql.ref(`a.${done}`);
  const dueCol = sql.ref(`a.${due}`);
  if (o.openPastDeadline !== 'late') return sql<{ at: Date; next: Date }>`select null::timestamptz as at, null::timestamptz as next where false`;
  return sql<{ at: Date; next: Date }>`
    select a.dispatched_at as at, ${dueCol} as next
      from ticket_assignments a join tickets t on t.id = a.ticket_id
     where a.dispatched_at >= ${p.from} and a.dispatched_at < ${p.to} and a.state <> 'withdrawn' and t.state <> 'merged'
       and a.state <> 'returned' and not (${doneCol} is not null and ${doneCol} < ${p.asOf}) and ${dueCol} >= ${p.asOf}`;
}

const reopenEvent = sql`(e.action in ('rejectReview', 'reopen') or (e.action = 'recordSurvey' and e.data->>'reopened' = 'true'))`;
const answeredResults = ['satisfied', 'basically_satisfied', 'unsatisfied'];

const callCuts = ['desk', 'agent', 'channel'] as const;
const ticketCuts = ['department', 'agent', 'channel', 'type', 'category'] as const;

const signedOnTimeText = {
  description: {
    'zh-CN':
      '派给各部门（主办与协办）的任务中，在签收时限内签收的比例。按派单时间归入统计期；已同意退单的任务不计入；统计期末仍未签收的任务，已超签收时限的计为未按时，未超时限的不计入。',
    en:
      'Share of assignments (lead and assisting) signed within the signing deadline. An assignment belongs to the period it was dispatched in; assignments whose return was approved are left out; one still unsigned at the period end counts as late once its deadline has passed and is left out before that.',
  },
  numerator: { 'zh-CN': '统计期末前且在签收时限内签收的任务数', en: 'assignments signed by the deadline (before the period end)' },
  denominator: { 'zh-CN': '统计期内派出的任务（除已退回，除期末未签收且未超时）', en: 'assignments dispatched in the period (less returned ones and open ones not yet due)' },
};

// ── THE definitions ───────────────────────────────────────────────────────────────────────────────────────────

export const measures: readonly MeasureDefinition[] = [
  {
    key: 'serviceLevel',
    judgedAtPeriodEnd: false,
    label: { 'zh-CN': '15秒接通率', en: 'Answered within 15 s' },
    unit: 'ratio',
    item: 'call',
    cuts: callCuts,
    description: {
      'zh-CN': '进入排队的呼入电话中，排队等待不超过15秒（可配置）即被坐席接听的比例。排队不足5秒（可配置）即挂断的短放弃不计入分子和分母。',
      en: 'Share of inbound calls that reached the queue and were answered by an agent after waiting at most 15 s (configurable). Short abandons (hung up within 5 s, configurable) are left out of both sides.',
    },
    numerator: { 'zh-CN': '等待≤15秒接听的来电数', en: 'calls answered within 15 s' },
    denominator: { 'zh-CN': '进入排队的来电数（除短放弃）', en: 'calls offered to the queue (less short abandons)' },
    facts: (p, o) => callFacts(p, o, sql`case when c.answered_at is not null and c.wait_seconds <= ${o.serviceLevelSeconds} then 1 else 0 end`),
  },
  {
    key: 'answerRate',
    judgedAtPeriodEnd: false,
    label: { 'zh-CN': '接通率', en: 'Answer rate' },
    unit: 'ratio',
    item: 'call',
    cuts: callCuts,
    description: {
      'zh-CN': '进入排队的呼入电话中被坐席接听的比例。排队中要求回拨的来电计入分母但不算接通；短放弃不计入。',
      en: 'Share of inbound calls offered to the queue that an agent answered. Calls where the caller asked for a callback count as offered but not answered; short abandons are left out.',
    },
    numerator: { 'zh-CN': '坐席接听的来电数', en: 'calls answered' },
    denominator: { 'zh-CN': '进入排队的来电数（除短放弃）', en: 'calls offered to the queue (less short abandons)' },
    facts: (p, o) => callFacts(p, o, sql`case when c.answered_at is not null then 1 else 0 end`),
  },
  {
    key: 'averageWait',
    judgedAtPeriodEnd: false,
    label: { 'zh-CN': '平均等待', en: 'Average wait' },
    unit: 'seconds',
    item: 'call',
    cuts: callCuts,
    description: {
      'zh-CN': '被接听的来电从进入排队到坐席接听的平均秒数（放弃的来电不计入）。',
      en: 'Average seconds from entering the queue to an agent answering, over answered calls (abandoned calls are not included).',
    },
    numerator: { 'zh-CN': '接听来电的等待秒数之和', en: 'total wait of answered calls (s)' },
    denominator: { 'zh-CN': '接听的来电数', en: 'calls answered' },
    facts: (p, o) => callFacts(p, o, sql`c.wait_seconds`, sql`c.answered_at is not null and c.wait_seconds is not null`),
  },
  {
    key: 'abandonRate',
    judgedAtPeriodEnd: false,
    label: { 'zh-CN': '放弃率', en: 'Abandon rate' },
    unit: 'ratio',
    item: 'call',
    cuts: callCuts,
    description: {
      'zh-CN': '进入排队的呼入电话中，未接通即挂断的比例。等待不足5秒（可配置）的短放弃不计入分子和分母。',
      en: 'Share of inbound calls offered to the queue that the caller hung up before an answer. Short abandons (under 5 s, configurable) are left out of both sides.',
    },
    numerator: { 'zh-CN': '放弃的来电数（除短放弃）', en: 'calls abandoned (less short abandons)' },
    denominator: { 'zh-CN': '进入排队的来电数（除短放弃）', en: 'calls offered to the queue (less short abandons)' },
    facts: (p, o) => callFacts(p, o, sql`case when c.abandoned_at is not null then 1 else 0 end`),
  },
  {
    key: 'averageTalk',
    judgedAtPeriodEnd: false,
    label: { 'zh-CN': '平均通话', en: 'Average talk time' },
    unit: 'seconds',
    item: 'call',
    cuts: callCuts,
    description: {
      'zh-CN': '被接听并已结束的来电从接听到挂断的平均秒数（不含话后处理）。',
      en: 'Average seconds from answer to hang-up over answered calls that have ended (wrap-up not included).',
    },
    numerator: { 'zh-CN': '通话秒数之和', en: 'total talk time (s)' },
    denominator: { 'zh-CN': '已结束的接听来电数', en: 'answered calls that ended' },
    facts: (p, o) => callFacts(p, o, sql`c.talk_seconds`, sql`c.answered_at is not null and c.talk_seconds is not null`),
  },
  {
    key: 'directResolution',
    judgedAtPeriodEnd: false,
    label: { 'zh-CN': '直接办结率', en: 'Resolved on the call' },
    unit: 'ratio',
    item: 'ticket',
    cuts: ticketCuts,
    description: {
      'zh-CN': '统计期内登记的工单中，坐席在通话中直接办结（未派单）的比例。并单的重复件不计（只计主单一次），下派子工单不计。',
      en: 'Share of tickets registered in the period that the agent resolved during the call (no dispatch). Merged duplicates are not counted (the master counts once), nor are sub-unit child tickets.',
    },
    numerator: { 'zh-CN': '直接办结的工单数', en: 'tickets resolved on the call' },
    denominator: { 'zh-CN': '登记的工单数（除并单、子工单）', en: 'tickets registered (less merged and child tickets)' },
    facts: (p) =>
      ticketFacts(
        sql`case when exists (select 1 from ticket_events e where e.ticket_id = t.id and e.action = 'resolveOnCall') then 1 else 0 end`,
        sql`t.created_at >= ${p.from} and t.created_at < ${p.to}`,
      ),
  },
  {
    key: 'signedOnTime',
    judgedAtPeriodEnd: true,
    clockChanges: (p, o) => onTimeClockChanges(p, o, 'signed_at', 'sign_by'),
    label: { 'zh-CN': '按时签收率', en: 'Signed on time' },
    unit: 'ratio',
    item: 'assignment',
    cuts: ticketCuts,
    ...signedOnTimeText,
    facts: (p, o) => onTimeAssignments(p, o, 'signed_at', 'sign_by'),
  },
  {
    key: 'finishedOnTime',
    judgedAtPeriodEnd: true,
    clockChanges: (p, o) => onTimeClockChanges(p, o, 'replied_at', 'handle_by'),
    label: { 'zh-CN': '按时办结率', en: 'Finished on time' },
    unit: 'ratio',
    item: 'assignment',
    cuts: ticketCuts,
    description: {
      'zh-CN':
        '派给各部门的任务中，在办理时限（含批准的延期）内回复的比例。按派单时间归入统计期；已同意退单的不计入；回复被驳回重办时以重新回复为准；统计期末仍未回复的任务，已超时限的计为未按时，未超时限的不计入。',
      en:
        'Share of assignments replied to within the handling deadline (including approved extensions). An assignment belongs to the period it was dispatched in; returned ones are left out; after a rejected reply the new reply counts; one still without a reply at the period end counts as late once past its deadline and is left out before that.',
    },
    numerator: { 'zh-CN': '期末前且在时限内回复的任务数', en: 'assignments replied to by the deadline (before the period end)' },
    denominator: { 'zh-CN': '统计期内派出的任务（除已退回，除期末未回复且未超时）', en: 'assignments dispatched in the period (less returned ones and open ones not yet due)' },
    facts: (p, o) => onTimeAssignments(p, o, 'replied_at', 'handle_by'),
  },
  {
    key: 'returnRate',
    // Counts requests made before the period's end: judged at that moment (no deadline turns it by itself).
    judgedAtPeriodEnd: true,
    label: { 'zh-CN': '退单率', en: 'Return rate' },
    unit: 'ratio',
    item: 'assignment',
    cuts: ticketCuts,
    description: {
      'zh-CN': '统计期内派给各部门的任务中，部门在期末前提出退单申请的比例（无论热线是否同意）。',
      en: 'Share of assignments dispatched in the period that the department asked to return before the period end (whether or not the hotline agreed).',
    },
    numerator: { 'zh-CN': '提出退单的任务数', en: 'assignments with a return request' },
    denominator: { 'zh-CN': '统计期内派出的任务数', en: 'assignments dispatched in the period' },
    facts: (p) =>
      assignmentFacts(
        p,
        sql`case when exists (select 1 from ticket_events e where e.assignment_id = a.id and e.action = 'return' and e.at < ${p.asOf}) then 1 else 0 end`,
        sql`true`,
      ),
  },
  {
    key: 'reopenRate',
    // Counts requests made before the period's end: judged at that moment (no deadline turns it by itself).
    judgedAtPeriodEnd: true,
    label: { 'zh-CN': '重办率', en: 'Reopen rate' },
    unit: 'ratio',
    item: 'ticket',
    cuts: ticketCuts,
    description: {
      'zh-CN': '统计期内登记并已派单的工单中，期末前至少重办过一次（审核驳回、回访不满意重办或办结后重办）的比例。一件工单多次重办只计一次。',
      en: 'Share of tickets registered and dispatched in the period that were handled again at least once before the period end (reply rejected in review, unsatisfied caller, or reopened after closing). A ticket counts once however often it was reopened.',
    },
    numerator: { 'zh-CN': '重办过的工单数', en: 'tickets reopened at least once' },
    denominator: { 'zh-CN': '登记并派单的工单数', en: 'tickets registered and dispatched' },
    facts: (p) =>
      ticketFacts(
        sql`case when exists (select 1 from ticket_events e where e.ticket_id = t.id and ${reopenEvent} and e.at < ${p.asOf}) then 1 else 0 end`,
        sql`t.created_at >= ${p.from} and t.created_at < ${p.to} and exists (select 1 from ticket_assignments a where a.ticket_id = t.id)`,
      ),
  },
  {
    key: 'surveyRate',
    judgedAtPeriodEnd: false,
    label: { 'zh-CN': '回访率', en: 'Survey rate' },
    unit: 'ratio',
    item: 'ticket',
    cuts: ticketCuts,
    description: {
      'zh-CN': '统计期内经部门办理后办结的工单中，市民作出评价（满意、基本满意或不满意）的比例。联系不上、拒绝评价不算已回访。直接办结的不计入。',
      en: 'Share of tickets closed in the period after department handling where the caller gave a rating (satisfied, basically satisfied or unsatisfied). Unreachable and declined do not count as surveyed. Tickets resolved on the call are not included.',
    },
    numerator: { 'zh-CN': '有评价结果的工单数', en: 'closed tickets with a rating' },
    denominator: { 'zh-CN': '统计期内办结的工单数（部门办理）', en: 'tickets closed in the period (department-handled)' },
    facts: (p) =>
      ticketFacts(
        sql`case when exists (select 1 from ticket_events e where e.ticket_id = t.id and e.action = 'recordSurvey'
                 and e.data->>'result' in (${sql.join(answeredResults)})) then 1 else 0 end`,
        sql`t.state = 'closed' and t.closure = 'handled' and t.closed_at >= ${p.from} and t.closed_at < ${p.to}`,
        sql`t.closed_at`,
      ),
  },
  {
    key: 'satisfaction',
    judgedAtPeriodEnd: false,
    label: { 'zh-CN': '满意率', en: 'Satisfaction' },
    unit: 'ratio',
    item: 'survey',
    cuts: ticketCuts,
    description: {
      'zh-CN': '统计期内登记的回访评价中，满意与基本满意之和所占比例（分母为满意、基本满意、不满意；联系不上和拒绝评价不计入）。同一工单每轮回访各计一次。',
      en: 'Share of survey ratings recorded in the period that were satisfied or basically satisfied (out of satisfied, basically satisfied and unsatisfied; unreachable and declined are left out). Each survey round of a ticket counts once.',
    },
    numerator: { 'zh-CN': '满意 + 基本满意', en: 'satisfied + basically satisfied' },
    denominator: { 'zh-CN': '有效评价数', en: 'ratings given' },
    facts: (p) =>
      sql<Fact>`
        select t.id::text as id, t.number as ref, ${leadDepartment} as department_id, null::text as desk,
               t.registered_by as agent_id, t.channel, t.type, t.category_id,
               (case when e.data->>'result' in ('satisfied', 'basically_satisfied') then 1 else 0 end)::numeric as num, e.at
          from ticket_events e join tickets t on t.id = e.ticket_id
         where e.action = 'recordSurvey' and e.at >= ${p.from} and e.at < ${p.to}
           and e.data->>'result' in (${sql.join(answeredResults)}) and ${countedTicket}`,
  },
  {
    key: 'responseRate',
    judgedAtPeriodEnd: true,
    clockChanges: (p, o) => onTimeClockChanges(p, o, 'signed_at', 'sign_by'),
    label: { 'zh-CN': '响应率', en: 'Response rate' },
    unit: 'ratio',
    item: 'assignment',
    cuts: ticketCuts,
    description: {
      'zh-CN': '“三率”之一。部门及时响应（在签收时限内签收）的任务比例，口径与按时签收率相同。',
      en: 'One of Beijing\'s "three rates": assignments the department responded to in time (signed within the signing deadline); the same rule as "signed on time".',
    },
    numerator: signedOnTimeText.numerator,
    denominator: signedOnTimeText.denominator,
    facts: (p, o) => onTimeAssignments(p, o, 'signed_at', 'sign_by'),
  },
  {
    key: 'resolutionRate',
    judgedAtPeriodEnd: false,
    label: { 'zh-CN': '解决率', en: 'Resolution rate' },
    unit: 'ratio',
    item: 'ticket',
    cuts: ticketCuts,
    description: {
      'zh-CN': '“三率”之一。统计期内经部门办理后办结的工单中，从未重办（未被审核驳回、未因不满意重办）的比例。',
      en: 'One of the "three rates": share of tickets closed in the period after department handling that were never handled again (no rejected reply, no reopen for an unsatisfied caller).',
    },
    numerator: { 'zh-CN': '一次办结（未重办）的工单数', en: 'tickets closed without any reopen' },
    denominator: { 'zh-CN': '统计期内办结的工单数（部门办理）', en: 'tickets closed in the period (department-handled)' },
    facts: (p) =>
      ticketFacts(
        sql`case when exists (select 1 from ticket_events e where e.ticket_id = t.id and ${reopenEvent}) then 0 else 1 end`,
        sql`t.state = 'closed' and t.closure = 'handled' and t.closed_at >= ${p.from} and t.closed_at < ${p.to}`,
        sql`t.closed_at`,
      ),
  },
];

export const measureKeys = measures.map((m) => m.key);

/** An answered call as the wrap-up report counts it: a Fact of 接通率's numerator, with its code and talk time. */
export type AnsweredCallFact = Fact & { wrap_up_code: string | null; talk_seconds: string | null };

/**
 * The calls in 接通率's numerator (answered inbound calls offered to the queue in the period) with the wrap-up
 * code recorded on each: the rows of the 话后小结 report, so its total is that numerator by construction.
 */
export function answeredCallFacts(p: MeasurePeriod, o: MeasureOptions): RawBuilder<AnsweredCallFact> {
  return callFacts(p, o, sql`1`, sql`c.answered_at is not null`, sql`, c.wrap_up_code, c.talk_seconds`) as RawBuilder<AnsweredCallFact>;
}

/** The definition of `key`, or undefined. */
export function findMeasure(key: string): MeasureDefinition | undefined {
  return measures.find((m) => m.key === key);
}
