/**
 * Small pieces every work-order page shares: tags for state, urgency and deadline colour, and the two
 * reference lists (category catalogue, departments) loaded once per page visit and cached for the session.
 */
import { useEffect, useState } from 'react';
import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../i18n/index.ts';
import { api } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import type { Assignment, Category, DeadlineColour, Department, Label, TicketState, Urgency } from './types.ts';

/** 绿 / 黄 / 红: the deadline colours DOMAIN.md asks for. */
export const DEADLINE_COLOURS: Record<DeadlineColour, string> = { normal: 'green', warning: 'gold', overdue: 'red' };
/** Assignments still on a department's desk (their deadlines run), as the server's lifecycle defines them. */
const OPEN_STATES = new Set<string>(['dispatched', 'signed', 'return_requested', 'extension_requested', 'waiting_child']);
const URGENCY_COLOURS: Record<Urgency, string> = { normal: 'default', urgent: 'orange', critical: 'red' };
const STATE_COLOURS: Partial<Record<TicketState, string>> = {
  registering: 'default',
  pending_dispatch: 'purple',
  dispatched: 'blue',
  in_progress: 'processing',
  return_review: 'magenta',
  extension_review: 'orange',
  reply_review: 'cyan',
  pending_survey: 'geekblue',
  closed: 'success',
  merged: 'default',
};

/** The server's bilingual label in the console language. */
export function pickLabel(label: Label | null | undefined): string {
  if (!label) return '';
  return label[currentLanguage()] ?? label['zh-CN'];
}

export function StateTag({ state, label }: { state: TicketState; label?: Label }) {
  return (
    <Tag color={STATE_COLOURS[state] ?? 'default'} data-testid="ticket-state" data-state={state}>
      {label ? pickLabel(label) : state}
    </Tag>
  );
}

export function UrgencyTag({ urgency }: { urgency: Urgency }) {
  const { t } = useTranslation();
  return (
    <Tag color={URGENCY_COLOURS[urgency]} data-testid="urgency-tag" data-urgency={urgency}>
      {t(`tickets.urgency.${urgency}`)}
    </Tag>
  );
}

/** The handling deadline of an assignment in its colour (green, yellow at 80% used, red when overdue). */
export function DeadlineTag({ assignment }: { assignment: Pick<Assignment, 'deadline' | 'handleBy' | 'signBy' | 'signOverdue' | 'state'> }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  // Finished work (replied, done, returned, withdrawn) has no clock running: just the date, uncoloured.
  if (!OPEN_STATES.has(assignment.state)) {
    return (
      <span data-testid="deadline-tag" data-deadline="closed">
        <Tag>{formatDateTime(assignment.handleBy, language)}</Tag>
      </span>
    );
  }
  return (
    <Tooltip title={`${t('tickets.field.signBy')} ${formatDateTime(assignment.signBy, language)}`}>
      <span data-testid="deadline-tag" data-deadline={assignment.deadline}>
        <Tag color={DEADLINE_COLOURS[assignment.deadline]}>
          {t(`tickets.deadline.${assignment.deadline}`)} · {formatDateTime(assignment.handleBy, language)}
        </Tag>
        {assignment.signOverdue ? <Tag color="red">{t('tickets.deadline.signOverdue')}</Tag> : null}
      </span>
    </Tooltip>
  );
}

export function AssignmentStateTag({ state }: { state: Assignment['state'] }) {
  const { t } = useTranslation();
  const colour = state === 'dispatched' ? 'blue' : state === 'signed' ? 'processing' : state === 'done' ? 'success' : state.endsWith('requested') ? 'orange' : 'default';
  return (
    <Tag color={colour} data-testid="assignment-state" data-state={state}>
      {t(`tickets.assignmentState.${state}`)}
    </Tag>
  );
}

let catalogueCache: Promise<Category[]> | null = null;
let departmentsCache: Promise<Department[]> | null = null;

function cached<T>(get: () => Promise<T[]> | null, set: (p: Promise<T[]> | null) => void, load: () => Promise<T[]>): Promise<T[]> {
  const existing = get();
  if (existing) return existing;
  const promise = load().catch((error: unknown) => {
    set(null); // a failed load is tried again next time
    throw error;
  });
  set(promise);
  return promise;
}

/** The dispatch catalogue (category tree with suggested lead departments). */
export function useCatalogue(): Category[] {
  const [items, setItems] = useState<Category[]>([]);
  useEffect(() => {
    let live = true;
    cached(
      () => catalogueCache,
      (p) => (catalogueCache = p),
      async () => (await api.request<{ items: Category[] }>('/api/tickets/catalogue')).items,
    )
      .then((result) => live && setItems(result))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return items;
}

/** The departments the user may see (department staff: their own and its sub-units). */
export function useDepartments(): Department[] {
  const [items, setItems] = useState<Department[]>([]);
  useEffect(() => {
    let live = true;
    cached(
      () => departmentsCache,
      (p) => (departmentsCache = p),
      async () => (await api.request<{ items: Department[] }>('/api/directory/departments')).items,
    )
      .then((result) => live && setItems(result))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return items;
}

/** Departments a ticket can be dispatched to: every active one except the hotline itself. */
export function dispatchableDepartments(departments: Department[]): Department[] {
  return departments.filter((d) => d.active && d.kind !== 'hotline');
}

/** The path of ids from the root to `id` in the catalogue (what a Cascader's value is), or [] when absent. */
export function categoryPath(items: Category[], id: string | null | undefined): string[] {
  if (!id) return [];
  for (const item of items) {
    if (item.id === id) return [item.id];
    const below = categoryPath(item.children, id);
    if (below.length) return [item.id, ...below];
  }
  return [];
}

/** The category with this id anywhere in the tree. */
export function findCategory(items: Category[], id: string | null | undefined): Category | undefined {
  if (!id) return undefined;
  for (const item of items) {
    if (item.id === id) return item;
    const below = findCategory(item.children, id);
    if (below) return below;
  }
  return undefined;
}
