/**
 * Lifecycle actions as buttons. Which buttons show is the server's `abilities` on the ticket (hotline
 * actions) and on each assignment (department actions): the console never decides who may do what. This
 * file only knows what each action asks for (a reason, a date, a department) and where it is posted:
 * `POST /api/tickets/{id}/{action}` with the ticket's version, `POST /api/assignments/{id}/{action}` with the
 * assignment's version (a stale version answers 409 and the page reloads).
 */
import { useState } from 'react';
import { App, Button, Flex } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { api, errorMessage } from '../../lib/api.ts';
import { ActionDialog, type FieldSpec } from './ActionDialog.tsx';
import { DispatchDialog } from './DispatchDialog.tsx';
import { dispatchableDepartments, useDepartments } from './parts.tsx';
import { EMERGENCY_NUMBERS, SURVEY_RESULTS, type Assignment, type Department, type DispatchInput, type TicketDetail } from './types.ts';

/** Ticket actions in the order their buttons appear; `merge` lives in the merge-candidates panel. */
const TICKET_ACTIONS = [
  'dispatch',
  'submit',
  'passReview',
  'rejectReview',
  'approveReturn',
  'rejectReturn',
  'approveExtension',
  'refuseExtension',
  'recordSurvey',
  'close',
  'resolveOnCall',
  'inform',
  'transfer',
  'urge',
  'supervise',
  'reopen',
] as const;
type TicketAction = (typeof TICKET_ACTIONS)[number];

const ASSIGNMENT_ACTIONS = ['sign', 'reply', 'requestExtension', 'subDispatch', 'return'] as const;
type AssignmentAction = (typeof ASSIGNMENT_ACTIONS)[number];

const DANGER = new Set<string>(['rejectReview', 'rejectReturn', 'refuseExtension', 'reopen', 'return']);
const PRIMARY = new Set<string>(['dispatch', 'passReview', 'sign', 'reply', 'approveExtension', 'submit']);
/** Actions that need nothing but the click. */
const DIRECT = new Set<string>(['submit', 'sign']);

/** `requestExtension` → `request-extension`, as the routes spell it. */
export function actionSlug(action: string): string {
  return action.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function postTicketAction(ticket: Pick<TicketDetail, 'id' | 'version'>, action: string, body: Record<string, unknown>): Promise<TicketDetail> {
  return api.request<TicketDetail>(`/api/tickets/${ticket.id}/${actionSlug(action)}`, { method: 'POST', body: { ...body, expectedVersion: ticket.version } });
}

export function postAssignmentAction(assignment: Pick<Assignment, 'id' | 'version'>, action: string, body: Record<string, unknown>): Promise<TicketDetail> {
  return api.request<TicketDetail>(`/api/assignments/${assignment.id}/${actionSlug(action)}`, { method: 'POST', body: { ...body, expectedVersion: assignment.version } });
}

type Dialog = { action: string; title: string; fields: FieldSpec[]; initialValues: Record<string, unknown>; danger: boolean; run: (values: Record<string, unknown>) => Promise<TicketDetail> };

const departmentOptions = (departments: Department[]) => departments.map((d) => ({ value: d.id, label: d.name }));

function assignmentChoice(t: TFunction, ticket: TicketDetail, state: Assignment['state']): { field: FieldSpec; initial: string | undefined } {
  const waiting = ticket.assignments.filter((a) => a.state === state);
  return {
    field: {
      name: 'assignmentId',
      kind: 'select',
      label: t('tickets.form.assignment'),
      required: true,
      options: waiting.map((a) => ({ value: a.id, label: `${a.department.name}（${t(`tickets.role.${a.role}`)}）` })),
    },
    initial: waiting.length === 1 ? waiting[0]?.id : undefined,
  };
}

/** What a ticket action asks for. */
function ticketDialog(t: TFunction, action: TicketAction, ticket: TicketDetail, departments: Department[]): Omit<Dialog, 'action' | 'run' | 'title' | 'danger'> {
  const note: FieldSpec = { name: 'note', kind: 'textarea', label: t('tickets.form.note') };
  const requiredNote: FieldSpec = { ...note, required: true, label: t('tickets.form.reason') };
  switch (action) {
    case 'resolveOnCall':
    case 'inform':
      return { fields: [{ name: 'resolution', kind: 'textarea', label: t('tickets.form.resolution'), required: true }], initialValues: {} };
    case 'transfer':
      return {
        fields: [{ name: 'transferredTo', kind: 'select', label: t('tickets.form.transferredTo'), required: true, options: EMERGENCY_NUMBERS.map((n) => ({ value: n, label: n })) }, note],
        initialValues: {},
      };
    case 'approveReturn': {
      const choice = assignmentChoice(t, ticket, 'return_requested');
      const options = departmentOptions(dispatchableDepartments(departments));
      return {
        fields: [
          choice.field,
          { name: 'newLeadDepartmentId', kind: 'select', label: t('tickets.form.newLead'), options },
          { name: 'assistDepartmentIds', kind: 'select', label: t('tickets.dispatch.assists'), multiple: true, options },
          note,
        ],
        initialValues: { assignmentId: choice.initial },
      };
    }
    case 'rejectReturn': {
      const choice = assignmentChoice(t, ticket, 'return_requested');
      return { fields: [choice.field, requiredNote], initialValues: { assignmentId: choice.initial } };
    }
    case 'approveExtension': {
      const choice = assignmentChoice(t, ticket, 'extension_requested');
      const asked = ticket.assignments.find((a) => a.id === choice.initial)?.extensionUntil;
      return {
        fields: [choice.field, { name: 'until', kind: 'datetime', label: t('tickets.form.until') }, note],
        initialValues: { assignmentId: choice.initial, ...(asked ? { until: dayjs(asked) } : {}) },
      };
    }
    case 'refuseExtension': {
      const choice = assignmentChoice(t, ticket, 'extension_requested');
      return { fields: [choice.field, requiredNote], initialValues: { assignmentId: choice.initial } };
    }
    case 'passReview':
      return { fields: [{ name: 'survey', kind: 'checkbox', label: t('tickets.form.survey') }, note], initialValues: { survey: true } };
    case 'rejectReview':
    case 'reopen':
      return { fields: [requiredNote], initialValues: {} };
    case 'recordSurvey':
      return {
        fields: [
          { name: 'result', kind: 'select', label: t('tickets.form.result'), required: true, options: SURVEY_RESULTS.map((r) => ({ value: r, label: t(`tickets.survey.${r}`) })) },
          { name: 'departmentAtFault', kind: 'checkbox', label: t('tickets.form.departmentAtFault') },
          note,
        ],
        initialValues: { departmentAtFault: false },
      };
    default:
      return { fields: [note], initialValues: {} };
  }
}

/** What an assignment action asks for. */
function assignmentDialog(t: TFunction, action: AssignmentAction, assignment: Assignment, departments: Department[]): Omit<Dialog, 'action' | 'run' | 'title' | 'danger'> {
  switch (action) {
    case 'return':
      return { fields: [{ name: 'reason', kind: 'textarea', label: t('tickets.form.reason'), required: true }], initialValues: {} };
    case 'requestExtension':
      return {
        fields: [
          { name: 'until', kind: 'datetime', label: t('tickets.form.until'), required: true },
          { name: 'reason', kind: 'textarea', label: t('tickets.form.reason'), required: true },
        ],
        initialValues: { until: dayjs(assignment.handleBy).add(3, 'day') },
      };
    case 'subDispatch': {
      const units = departments.filter((d) => d.parentId === assignment.department.id && d.active);
      return {
        fields: [
          { name: 'subUnitDepartmentId', kind: 'select', label: t('tickets.form.subUnit'), required: true, options: departmentOptions(units), placeholder: units.length ? t('tickets.form.subUnitPlaceholder') : t('tickets.form.noSubUnits') },
          { name: 'note', kind: 'textarea', label: t('tickets.form.note') },
        ],
        initialValues: units.length === 1 ? { subUnitDepartmentId: units[0]?.id } : {},
      };
    }
    case 'reply':
      return { fields: [{ name: 'reply', kind: 'textarea', label: t('tickets.form.reply'), required: true, min: 2, placeholder: t('tickets.form.replyPlaceholder') }], initialValues: {} };
    default:
      return { fields: [{ name: 'note', kind: 'textarea', label: t('tickets.form.note') }], initialValues: {} };
  }
}

/** Runs direct actions at once and opens the dialog for the others; reports the new ticket to `onDone`. */
function useActionRunner(onDone: (ticket: TicketDetail) => void) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const finish = (action: string, ticket: TicketDetail) => {
    void message.success(t('tickets.actions.done', { action: t(`tickets.actions.${action}`) }));
    onDone(ticket);
  };

  const direct = async (key: string, action: string, run: () => Promise<TicketDetail>) => {
    setBusy(key);
    try {
      finish(action, await run());
    } catch (error) {
      // The server's message says what is allowed now (409) or why not (403/404).
      void message.error(errorMessage(error, t));
    } finally {
      setBusy(null);
    }
  };

  const element = dialog ? (
    <ActionDialog
      open
      title={dialog.title}
      fields={dialog.fields}
      initialValues={dialog.initialValues}
      danger={dialog.danger}
      onClose={() => setDialog(null)}
      onSubmit={async (values) => {
        const ticket = await dialog.run(values);
        finish(dialog.action, ticket);
      }}
    />
  ) : null;

  return { setDialog, direct, busy, element };
}

/** The hotline's buttons for a ticket (dispatch, reviews, survey, close, urge, supervise …). */
export function TicketActions({ ticket, onDone }: { ticket: TicketDetail; onDone: (ticket: TicketDetail) => void }) {
  const { t } = useTranslation();
  const departments = useDepartments();
  const runner = useActionRunner(onDone);
  const [dispatching, setDispatching] = useState(false);
  const allowed = TICKET_ACTIONS.filter((action) => ticket.abilities[action] === true);
  if (allowed.length === 0) return null;

  const open = (action: TicketAction) => {
    if (action === 'dispatch') return setDispatching(true);
    if (DIRECT.has(action)) return void runner.direct(action, action, () => postTicketAction(ticket, action, {}));
    const spec = ticketDialog(t, action, ticket, departments);
    runner.setDialog({
      ...spec,
      title: t(`tickets.actions.${action}`),
      danger: DANGER.has(action),
      action,
      run: (values) => postTicketAction(ticket, action, values),
    });
  };

  return (
    <Flex gap={8} wrap data-testid="ticket-actions">
      {allowed.map((action) => (
        <Button
          key={action}
          type={PRIMARY.has(action) ? 'primary' : 'default'}
          danger={DANGER.has(action)}
          loading={runner.busy === action}
          onClick={() => open(action)}
          data-testid={`ticket-action-${action}`}
        >
          {t(`tickets.actions.${action}`)}
        </Button>
      ))}
      {runner.element}
      {dispatching ? (
        <DispatchDialog
          open
          categoryId={ticket.category?.id}
          text={`${ticket.title} ${ticket.description}`}
          onClose={() => setDispatching(false)}
          onDispatch={async (input: DispatchInput) => {
            const next = await postTicketAction(ticket, 'dispatch', input);
            onDone(next);
          }}
        />
      ) : null}
    </Flex>
  );
}

/** A department's buttons for one of its assignments (sign, reply, extension, pass down, return). */
export function AssignmentActions({ assignment, onDone, size }: { assignment: Assignment; onDone: (ticket: TicketDetail) => void; size?: 'small' | 'middle' }) {
  const { t } = useTranslation();
  const departments = useDepartments();
  const runner = useActionRunner(onDone);
  // The server allows passing down from any signed lead; a department without sub-units has nowhere to pass to.
  const hasSubUnits = departments.length === 0 || departments.some((d) => d.parentId === assignment.department.id && d.active);
  const allowed = ASSIGNMENT_ACTIONS.filter((action) => assignment.abilities[action] === true && (action !== 'subDispatch' || hasSubUnits));
  if (allowed.length === 0) return null;

  const open = (action: AssignmentAction) => {
    if (DIRECT.has(action)) return void runner.direct(`${assignment.id}:${action}`, action, () => postAssignmentAction(assignment, action, {}));
    const spec = assignmentDialog(t, action, assignment, departments);
    runner.setDialog({
      ...spec,
      title: t(`tickets.actions.${action}`),
      danger: DANGER.has(action),
      action,
      run: (values) => postAssignmentAction(assignment, action, values),
    });
  };

  return (
    <Flex gap={6} wrap data-testid="assignment-actions" data-assignment={assignment.id}>
      {allowed.map((action) => (
        <Button
          key={action}
          size={size ?? 'small'}
          type={PRIMARY.has(action) ? 'primary' : 'default'}
          danger={DANGER.has(action)}
          loading={runner.busy === `${assignment.id}:${action}`}
          onClick={() => open(action)}
          data-testid={`assignment-action-${action}`}
        >
          {t(`tickets.actions.${action}`)}
        </Button>
      ))}
      {runner.element}
    </Flex>
  );
}
