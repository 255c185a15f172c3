/**
 * A ticket's progress in the words a citizen uses. Whitelisted fields only: no caller, no phone, no internal
 * notes or events, no staff names; departments by name; the reply only once the hotline has passed it.
 */
import type { Language } from '../../platform/i18n.ts';
import type { StatusAssignmentRow, StatusTicketRow } from './public-status.repository.ts';

type Words = { 'zh-CN': string; en: string };

/** The stage a citizen sees; several internal states read the same from outside (a return under review is still "being handled"). */
export const publicStages = {
  received: { 'zh-CN': '已受理，正在转交承办单位', en: 'Received; being passed to the department responsible' },
  dispatched: { 'zh-CN': '已转交承办单位，等待签收', en: 'Passed to the department responsible' },
  handling: { 'zh-CN': '承办单位正在办理', en: 'Being handled by the department' },
  replied: { 'zh-CN': '承办单位已答复，热线正在审核', en: 'The department has replied; the hotline is checking the reply' },
  finished: { 'zh-CN': '已办结，等待回访', en: 'Finished; we may call you to ask how it went' },
  closed: { 'zh-CN': '已办结', en: 'Closed' },
  answered: { 'zh-CN': '已在来电时答复并办结', en: 'Answered during your call and closed' },
  transferred: { 'zh-CN': '已转交紧急服务（{to}）处理', en: 'Passed to the emergency service {to}' },
  informed: { 'zh-CN': '已告知办理渠道并办结', en: 'You were told where to go; closed' },
  merged: { 'zh-CN': '已与同一事项的工单 {master} 合并办理', en: 'Handled together with ticket {master} about the same matter' },
} as const satisfies Record<string, Words>;

export type PublicStage = keyof typeof publicStages;

export type PublicStatus = {
  number: string;
  stage: PublicStage;
  /** The stage in plain words, in the asked language. */
  stageText: string;
  finished: boolean;
  registeredAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** When merged: the master ticket's number; the progress shown is the master's. */
  mergedInto: string | null;
  departments: { name: string; role: 'lead' | 'assist'; roleText: string; dispatchedAt: string; signedAt: string | null; dueAt: string | null; repliedAt: string | null }[];
  /** The answer given, once it is final: the department's reply after review, or what the caller was told on the call. */
  reply: string | null;
  repliedAt: string | null;
};

const roleWords = { lead: { 'zh-CN': '主办', en: 'Lead' }, assist: { 'zh-CN': '协办', en: 'Assisting' } } as const;

/** Which stage a ticket is in, seen from outside. */
export function stageOf(t: Pick<StatusTicketRow, 'state' | 'closure'>): PublicStage {
  switch (t.state) {
    case 'registering':
    case 'pending_dispatch':
      return 'received';
    case 'dispatched':
      return 'dispatched';
    case 'in_progress':
    case 'return_review':
    case 'extension_review':
      return 'handling';
    case 'reply_review':
      return 'replied';
    case 'pending_survey':
      return 'finished';
    case 'merged':
      return 'merged';
    case 'closed':
      if (t.closure === 'resolved_on_call') return 'answered';
      if (t.closure === 'transferred') return 'transferred';
      if (t.closure === 'informed') return 'informed';
      return 'closed';
  }
}

const fill = (text: string, params: Record<string, string>) => text.replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? '');
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The public view. `asked` is the ticket the citizen named; `shown` is whose progress is shown (the master of
 * a merged ticket, else the same), with `assignments` of `shown`.
 */
export function presentPublicStatus(asked: StatusTicketRow, shown: StatusTicketRow, assignments: StatusAssignmentRow[], language: Language): PublicStatus {
  const mergedInto = asked.id !== shown.id ? shown.number : null;
  const stage = stageOf(shown);
  const finished = shown.state === 'pending_survey' || shown.state === 'closed';
  // Departments still involved, or that were: returned and withdrawn assignments are the hotline's business.
  const visible = assignments.filter((a) => a.state !== 'returned' && a.state !== 'withdrawn');
  const open = (s: string) => ['dispatched', 'signed', 'return_requested', 'extension_requested', 'waiting_child'].includes(s);
  // The department's reply is final once the review passed (the lead's assignment is then done).
  const lead = visible.find((a) => a.role === 'lead');
  let reply: string | null = null;
  let repliedAt: Date | null = null;
  if (finished && shown.closure !== 'transferred' && lead?.state === 'done' && lead.reply) {
    reply = lead.reply;
    repliedAt = lead.replied_at;
  } else if (shown.state === 'closed' && (shown.closure === 'resolved_on_call' || shown.closure === 'informed')) {
    reply = shown.resolution;
    repliedAt = shown.closed_at;
  }
  let stageText = fill(publicStages[stage][language], { to: shown.transferred_to ?? '', master: shown.number });
  // A merged ticket follows its master: say so, then where the master is.
  if (mergedInto) stageText = `${fill(publicStages.merged[language], { master: shown.number })}${language === 'en' ? ': ' : '：'}${stageText}`;
  return {
    number: asked.number,
    stage: mergedInto ? 'merged' : stage,
    stageText,
    finished,
    registeredAt: asked.created_at.toISOString(),
    updatedAt: (shown.updated_at > asked.updated_at ? shown.updated_at : asked.updated_at).toISOString(),
    closedAt: iso(shown.closed_at),
    mergedInto,
    departments: visible.map((a) => ({
      name: a.department_name,
      role: a.role,
      roleText: roleWords[a.role][language],
      dispatchedAt: a.dispatched_at.toISOString(),
      signedAt: iso(a.signed_at),
      dueAt: open(a.state) ? a.handle_by.toISOString() : null,
      repliedAt: finished ? iso(a.replied_at) : null,
    })),
    reply,
    repliedAt: iso(repliedAt),
  };
}
