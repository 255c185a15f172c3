/**
 * One ticket as the signed-in user may see it: the request, the caller (masked; the full number only after
 * an audited confirm; hidden entirely from departments on confidential tickets), each department's
 * assignment with its deadline colour and the department's own buttons, the full timeline of events, related
 * tickets and — for agents — duplicates to merge into. Actions come from the server's `abilities`. It reloads
 * itself when a socket event about this ticket arrives. Used by the ticket page and by drawers on queues.
 */
import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Col, Descriptions, Empty, Flex, Row, Spin, Table, Tag, Timeline, Typography, type DescriptionsProps, type TableColumnsType } from 'antd';
import { EyeOutlined, LockOutlined, ReloadOutlined } from '@ant-design/icons';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { currentLanguage } from '../../i18n/index.ts';
import { api, errorMessage } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { AssignmentActions, postTicketAction, TicketActions } from './actions.tsx';
import { useLiveRefresh } from './live.ts';
import { AssignmentStateTag, DeadlineTag, StateTag, UrgencyTag, pickLabel } from './parts.tsx';
import { ticketPath } from './paths.ts';
import type { Assignment, MergeCandidate, TicketDetail, TicketEvent } from './types.ts';
import { TicketSurveys } from '../surveys/TicketSurveys.tsx';

/** Loads `/api/tickets/{id}` and keeps it fresh with socket events about it. */
export function useTicket(id: string) {
  const [ticket, setTicket] = useState<TicketDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      setLoading(true);
      try {
        const next = await api.request<TicketDetail>(`/api/tickets/${id}`, signal ? { signal } : {});
        setTicket(next);
        setError(null);
      } catch (failure) {
        if (!signal?.aborted) setError(failure);
      } finally {
        if (!signal?.aborted) setLoading(false);
      }
    },
    [id],
  );

  useEffect(() => {
    const controller = new AbortController();
    setTicket(null);
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  useLiveRefresh(() => void load(), { accept: (push) => push.ticketId === id });
  return { ticket, setTicket, error, loading, reload: () => void load() };
}

export function TicketView({ id, onChanged }: { id: string; onChanged?: (ticket: TicketDetail) => void }) {
  const { t } = useTranslation();
  const { ticket, setTicket, error, loading, reload } = useTicket(id);

  const changed = (next: TicketDetail) => {
    setTicket(next);
    onChanged?.(next);
  };

  if (error && !ticket) return <LoadError error={error} onRetry={reload} />;
  if (!ticket) {
    return (
      <Flex justify="center" style={{ padding: 48 }}>
        <Spin />
      </Flex>
    );
  }

  return (
    <Flex vertical gap={16} data-testid="ticket-view" data-ticket={ticket.id} data-state={ticket.state} data-version={ticket.version}>
      <Card>
        <Flex justify="space-between" align="flex-start" gap={12} wrap>
          <div style={{ minWidth: 0 }}>
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="ticket-title">
              {ticket.title}
            </Typography.Title>
            <Flex gap={6} wrap align="center" style={{ marginTop: 8 }}>
              <Typography.Text copyable data-testid="ticket-number" style={{ fontVariantNumeric: 'tabular-nums' }}>
                {ticket.number}
              </Typography.Text>
              <StateTag state={ticket.state} label={ticket.stateLabel} />
              <UrgencyTag urgency={ticket.urgency} />
              <Tag>{t(`tickets.type.${ticket.type}`)}</Tag>
              {ticket.confidential ? (
                <Tag icon={<LockOutlined />} color="volcano" data-testid="ticket-confidential">
                  {t('tickets.field.confidential')}
                </Tag>
              ) : null}
              {ticket.supervised ? <Tag color="red">{t('tickets.field.supervised')}</Tag> : null}
              {ticket.urgeCount > 0 ? <Tag color="orange">{`${t('tickets.field.urgeCount')} ${ticket.urgeCount}`}</Tag> : null}
              {ticket.reopenCount > 0 ? <Tag color="purple">{`${t('tickets.field.reopenCount')} ${ticket.reopenCount}`}</Tag> : null}
            </Flex>
          </div>
          <Button icon={<ReloadOutlined />} onClick={reload} loading={loading} aria-label={t('tickets.detail.reload')} />
        </Flex>
        <div style={{ marginTop: 16 }}>
          <TicketActions ticket={ticket} onDone={changed} />
        </div>
      </Card>

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={15}>
          <Flex vertical gap={16}>
            <Basics ticket={ticket} />
            <Assignments ticket={ticket} onDone={changed} />
            <Related ticket={ticket} />
            {ticket.abilities['merge'] ? <MergeCandidates ticket={ticket} onDone={changed} /> : null}
          </Flex>
        </Col>
        <Col xs={24} xl={9}>
          <Flex vertical gap={16}>
            <CallerCard ticket={ticket} />
            <EventsTimeline events={ticket.events} assignments={ticket.assignments} />
            <TicketSurveys ticketId={ticket.id} />
          </Flex>
        </Col>
      </Row>
    </Flex>
  );
}

function Basics({ ticket }: { ticket: TicketDetail }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const none = t('common.none');
  const items: NonNullable<DescriptionsProps['items']> = [
    { key: 'description', label: t('tickets.field.description'), span: 2, children: <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{ticket.description}</Typography.Paragraph> },
    { key: 'category', label: t('tickets.field.category'), children: ticket.category?.name ?? none },
    { key: 'channel', label: t('tickets.field.channel'), children: t(`tickets.channel.${ticket.channel}`) },
    { key: 'address', label: t('tickets.field.address'), children: ticket.address || none },
    { key: 'district', label: t('tickets.field.district'), children: ticket.district || none },
    { key: 'createdAt', label: t('tickets.field.createdAt'), children: formatDateTime(ticket.createdAt, language) },
    { key: 'closedAt', label: t('tickets.field.closedAt'), children: ticket.closedAt ? formatDateTime(ticket.closedAt, language) : none },
  ];
  if (ticket.closure) items.push({ key: 'closure', label: t('tickets.field.state'), children: t(`tickets.closure.${ticket.closure}`, { defaultValue: ticket.closure }) });
  if (ticket.resolution) items.push({ key: 'resolution', label: t('tickets.field.resolution'), span: 2, children: ticket.resolution });
  if (ticket.transferredTo) items.push({ key: 'transferredTo', label: t('tickets.field.transferredTo'), children: ticket.transferredTo });
  if (ticket.surveyResult) items.push({ key: 'survey', label: t('tickets.field.surveyResult'), children: t(`tickets.survey.${ticket.surveyResult}`, { defaultValue: ticket.surveyResult }) });
  if (ticket.callIds.length) items.push({ key: 'calls', label: t('tickets.field.callIds'), span: 2, children: ticket.callIds.join('，') });
  return (
    <Card title={t('tickets.detail.basics')} size="small">
      <Descriptions column={{ xs: 1, md: 2 }} size="small" items={items} data-testid="ticket-basics" />
    </Card>
  );
}

function CallerCard({ ticket }: { ticket: TicketDetail }) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const [phone, setPhone] = useState<string | null>(null);

  const reveal = () =>
    modal.confirm({
      title: t('tickets.detail.revealPhone'),
      content: t('tickets.detail.revealConfirm'),
      okText: t('tickets.actions.confirm'),
      cancelText: t('tickets.actions.cancel'),
      okButtonProps: { ...({ 'data-testid': 'reveal-confirm' } as object) },
      onOk: async () => {
        try {
          setPhone((await api.request<{ phone: string }>(`/api/tickets/${ticket.id}/reveal-phone`, { method: 'POST' })).phone);
        } catch (error) {
          void message.error(errorMessage(error, t));
        }
      },
    });

  return (
    <Card title={t('tickets.detail.callerSection')} size="small" data-testid="ticket-caller">
      {ticket.caller === null ? (
        <Typography.Text type="secondary" data-testid="caller-hidden">
          <LockOutlined /> {t('tickets.detail.callerHidden')}
        </Typography.Text>
      ) : !ticket.caller.name && !ticket.caller.phoneMasked ? (
        <Typography.Text type="secondary">{t('tickets.detail.noCaller')}</Typography.Text>
      ) : (
        <Descriptions
          column={1}
          size="small"
          items={[
            { key: 'name', label: t('tickets.field.callerName'), children: ticket.caller.name || t('common.none') },
            {
              key: 'phone',
              label: t('tickets.field.callerPhone'),
              children: (
                <Flex gap={8} align="center" wrap>
                  <span data-testid="caller-phone" style={{ fontVariantNumeric: 'tabular-nums' }}>
                    {phone ?? ticket.caller.phoneMasked ?? t('common.none')}
                  </span>
                  {ticket.abilities['revealPhone'] && phone === null ? (
                    <Button size="small" icon={<EyeOutlined />} onClick={reveal} data-testid="reveal-phone">
                      {t('tickets.detail.revealPhone')}
                    </Button>
                  ) : null}
                </Flex>
              ),
            },
            ...(ticket.caller.smsDeclined ? [{ key: 'sms', label: t('tickets.detail.sms'), children: t('tickets.field.smsDeclined') }] : []),
          ]}
        />
      )}
    </Card>
  );
}

function Assignments({ ticket, onDone }: { ticket: TicketDetail; onDone: (ticket: TicketDetail) => void }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const columns: TableColumnsType<Assignment> = [
    {
      title: t('tickets.field.department'),
      key: 'department',
      render: (_, a) => (
        <Flex vertical>
          <span>
            <Tag color={a.role === 'lead' ? 'blue' : 'default'}>{t(`tickets.role.${a.role}`)}</Tag>
            {a.department.name}
          </span>
        </Flex>
      ),
    },
    { title: t('tickets.field.state'), dataIndex: 'state', width: 110, render: (state: Assignment['state']) => <AssignmentStateTag state={state} /> },
    { title: t('tickets.field.deadline'), key: 'deadline', width: 240, render: (_, a) => <DeadlineTag assignment={a} /> },
    { title: t('tickets.detail.actions'), key: 'actions', render: (_, a) => <AssignmentActions assignment={a} onDone={onDone} /> },
  ];
  return (
    <Card title={t('tickets.detail.assignments')} size="small">
      <Table<Assignment>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={ticket.assignments}
        pagination={false}
        scroll={{ x: 720 }}
        locale={{ emptyText: t('tickets.detail.noAssignments') }}
        data-testid="ticket-assignments"
        onRow={(a) => ({ 'data-testid': 'assignment-row', 'data-assignment': a.id, 'data-state': a.state, 'data-deadline': a.deadline }) as React.HTMLAttributes<HTMLElement>}
        expandable={{
          rowExpandable: (a) => Boolean(a.reply || a.returnReason || a.extensionReason),
          defaultExpandAllRows: true,
          expandedRowRender: (a) => (
            <Descriptions
              column={1}
              size="small"
              items={[
                ...(a.reply ? [{ key: 'reply', label: t('tickets.field.reply'), children: <span data-testid="assignment-reply">{a.reply}</span> }] : []),
                ...(a.returnReason ? [{ key: 'return', label: t('tickets.field.returnReason'), children: a.returnReason }] : []),
                ...(a.extensionReason
                  ? [
                      {
                        key: 'ext',
                        label: t('tickets.field.extension'),
                        children: `${a.extensionUntil ? t('tickets.detail.extensionUntil', { until: formatDateTime(a.extensionUntil, language) }) : ''} ${a.extensionReason}`,
                      },
                    ]
                  : []),
              ]}
            />
          ),
        }}
      />
    </Card>
  );
}

function EventsTimeline({ events, assignments }: { events: TicketEvent[]; assignments: Assignment[] }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const departmentOf = (id: string | null) => assignments.find((a) => a.id === id)?.department.name ?? null;
  const stateName = (s: string | null) => (s ? t(`tickets.state.${s}`, { defaultValue: s }) : '');
  return (
    <Card title={t('tickets.detail.timeline')} size="small">
      <Timeline
        data-testid="ticket-timeline"
        items={events.map((e) => {
          const department = typeof e.data['department'] === 'string' ? (e.data['department'] as string) : departmentOf(e.assignmentId);
          const moved = e.fromState && e.toState && e.fromState !== e.toState;
          return {
            key: e.id,
            color: e.action.startsWith('deadline') ? 'red' : e.actor.id === null ? 'gray' : 'blue',
            content: (
              <Flex vertical gap={2}>
                <span data-testid="timeline-event" data-action={e.action}>
                  <Typography.Text strong>{pickLabel(e.label) || e.action}</Typography.Text>
                  {department ? <Typography.Text type="secondary">{` · ${department}`}</Typography.Text> : null}
                </span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {formatDateTime(e.at, language)} · {e.actor.id === null && (!e.actor.name || e.actor.name.startsWith('system')) ? t('tickets.detail.system') : e.actor.name}
                </Typography.Text>
                {moved ? (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('tickets.detail.stateChange', { from: stateName(e.fromState), to: stateName(e.toState) })}
                  </Typography.Text>
                ) : null}
                {eventDetail(e, t) ? <Typography.Text style={{ fontSize: 12 }}>{eventDetail(e, t)}</Typography.Text> : null}
                {e.note ? <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{e.note}</Typography.Text> : null}
              </Flex>
            ),
          };
        })}
      />
    </Card>
  );
}

/** The facts an event carries worth reading in the trail: who got the work, where it went down to. */
function eventDetail(e: TicketEvent, t: TFunction): string {
  const parts: string[] = [];
  const lead = e.data['lead'];
  const assists = e.data['assists'];
  const subUnit = e.data['subUnit'];
  if (typeof lead === 'string' && lead) parts.push(t('tickets.detail.leadIs', { name: lead }));
  if (Array.isArray(assists) && assists.length) parts.push(t('tickets.detail.assistsAre', { names: assists.join('、') }));
  if (typeof subUnit === 'string' && subUnit) parts.push(t('tickets.detail.subUnitIs', { name: subUnit }));
  return parts.join('；');
}

function Related({ ticket }: { ticket: TicketDetail }) {
  const { t } = useTranslation();
  const rows: { key: string; label: string; links: { id: string; number: string; state?: string }[] }[] = [];
  if (ticket.master) rows.push({ key: 'master', label: t('tickets.detail.master'), links: [ticket.master] });
  if (ticket.parentTicketId) rows.push({ key: 'parent', label: t('tickets.detail.parent'), links: [{ id: ticket.parentTicketId, number: t('tickets.detail.parent') }] });
  if (ticket.merged.length) rows.push({ key: 'merged', label: t('tickets.detail.mergedTickets'), links: ticket.merged });
  if (ticket.children.length) rows.push({ key: 'children', label: t('tickets.detail.children'), links: ticket.children });
  if (rows.length === 0) return null;
  return (
    <Card title={t('tickets.detail.related')} size="small" data-testid="ticket-related">
      <Descriptions
        column={1}
        size="small"
        items={rows.map((row) => ({
          key: row.key,
          label: row.label,
          children: (
            <Flex gap={8} wrap>
              {row.links.map((l) => (
                <Link key={l.id} to={ticketPath(l.id)}>
                  {l.number}
                  {l.state ? ` (${t(`tickets.state.${l.state}`, { defaultValue: l.state })})` : ''}
                </Link>
              ))}
            </Flex>
          ),
        }))}
      />
    </Card>
  );
}

function MergeCandidates({ ticket, onDone }: { ticket: TicketDetail; onDone: (ticket: TicketDetail) => void }) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const [items, setItems] = useState<MergeCandidate[] | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    api
      .request<{ items: MergeCandidate[] }>(`/api/tickets/${ticket.id}/merge-candidates`, { signal: controller.signal })
      .then((r) => setItems(r.items))
      .catch(() => setItems([]));
    return () => controller.abort();
  }, [ticket.id]);

  const merge = (candidate: MergeCandidate) =>
    modal.confirm({
      title: t('tickets.actions.merge'),
      content: t('tickets.detail.mergeConfirm', { number: candidate.number }),
      okText: t('tickets.actions.confirm'),
      cancelText: t('tickets.actions.cancel'),
      onOk: async () => {
        try {
          const next = await postTicketAction(ticket, 'merge', { masterTicketId: candidate.id });
          void message.success(t('tickets.detail.merged', { number: candidate.number }));
          onDone(next);
        } catch (error) {
          void message.error(errorMessage(error, t));
        }
      },
    });

  return (
    <Card title={t('tickets.detail.mergeCandidates')} size="small" data-testid="merge-candidates">
      {items === null ? (
        <Spin />
      ) : items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tickets.detail.noCandidates')} />
      ) : (
        <Flex vertical gap={10}>
          {items.map((c) => (
            <Flex key={c.id} justify="space-between" align="center" gap={8} data-testid="merge-candidate">
              <Flex vertical style={{ minWidth: 0 }}>
                <Link to={ticketPath(c.id)}>
                  {c.number} {c.title}
                </Link>
                <Flex gap={6} wrap>
                  <Tag>{t(`tickets.state.${c.state}`)}</Tag>
                  {c.sameCaller ? <Tag color="orange">{t('tickets.detail.sameCaller')}</Tag> : null}
                  <Tag>{t('tickets.detail.similarity', { value: Math.round(c.similarity * 100) })}</Tag>
                  {c.district ? <Tag>{c.district}</Tag> : null}
                </Flex>
              </Flex>
              <Button size="small" onClick={() => merge(c)} data-testid="merge-into">
                {t('tickets.detail.mergeInto')}
              </Button>
            </Flex>
          ))}
        </Flex>
      )}
    </Card>
  );
}
