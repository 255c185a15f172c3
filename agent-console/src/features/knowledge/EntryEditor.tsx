/** The drawer that creates or edits an entry, shows its versions, and offers the workflow actions the server allows. */
import { useEffect, useState } from 'react';
import { App, Button, Drawer, Flex, Form, Input, Select, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../lib/api.ts';
import type { EntryAction, EntryDetail } from './types.ts';

type FormValues = { code?: string; question: string; answer: string; alternates: string; keywords: string[]; topic?: string; departmentCode?: string; reviewDueOn?: string; note?: string };

const ACTION_ORDER: Exclude<EntryAction, 'edit'>[] = ['submit', 'publish', 'reject', 'archive', 'restore'];

export function EntryEditor({ entryId, creating, onClose, onChanged }: { entryId: string | null; creating: boolean; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [entry, setEntry] = useState<EntryDetail | null>(null);
  const [busy, setBusy] = useState(false);
  const open = creating || entryId !== null;

  useEffect(() => {
    setEntry(null);
    form.resetFields();
    if (!entryId) return;
    api.request<EntryDetail>(`/api/knowledge/entries/${entryId}`).then((e) => {
      setEntry(e);
      form.setFieldsValue({ ...e, alternates: e.alternates.join('\n'), topic: e.topic ?? undefined, departmentCode: e.departmentCode ?? undefined, reviewDueOn: e.reviewDueOn ?? undefined });
    }, (e: unknown) => void message.error(errorMessage(e, t)));
  }, [entryId, form, message, t]);

  const save = async () => {
    const values = await form.validateFields();
    const body = {
      question: values.question,
      answer: values.answer,
      alternates: values.alternates.split('\n').map((s) => s.trim()).filter(Boolean),
      keywords: values.keywords ?? [],
      topic: values.topic || null,
      departmentCode: values.departmentCode || null,
      reviewDueOn: values.reviewDueOn || null,
      note: values.note || undefined,
    };
    setBusy(true);
    try {
      const saved = entry
        ? await api.request<EntryDetail>(`/api/knowledge/entries/${entry.id}`, { method: 'PUT', body: { ...body, expectedVersion: entry.version } })
        : await api.request<EntryDetail>('/api/knowledge/entries', { method: 'POST', body: { ...body, code: values.code || undefined } });
      setEntry(saved);
      message.success(t('knowledge.saved'));
      onChanged();
    } catch (e) {
      message.error(errorMessage(e, t));
    } finally {
      setBusy(false);
    }
  };

  const act = async (action: Exclude<EntryAction, 'edit'>) => {
    if (!entry) return;
    setBusy(true);
    try {
      const note = form.getFieldValue('note') as string | undefined;
      const next = await api.request<EntryDetail>(`/api/knowledge/entries/${entry.id}/${action}`, { method: 'POST', body: { note: note || undefined, expectedVersion: entry.version } });
      setEntry(next);
      message.success(t(`knowledge.actionDone.${action}`));
      onChanged();
    } catch (e) {
      message.error(errorMessage(e, t));
    } finally {
      setBusy(false);
    }
  };

  const editable = creating || (entry?.actions.includes('edit') ?? false);

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size="large"
      title={entry ? `${entry.code} · v${entry.version}` : t('knowledge.newEntry')}
      extra={entry ? <Tag color={entry.stale ? 'red' : 'blue'}>{t(`knowledge.states.${entry.state}`)}</Tag> : null}
      data-testid="kb-editor"
    >
      <Form form={form} layout="vertical" disabled={!editable || busy} initialValues={{ keywords: [], alternates: '' }}>
        {creating ? (
          <Form.Item name="code" label={t('knowledge.code')} extra={t('knowledge.codeHelp')}>
            <Input />
          </Form.Item>
        ) : null}
        <Form.Item name="question" label={t('knowledge.question')} rules={[{ required: true, message: t('knowledge.required') }]}>
          <Input data-testid="kb-question" />
        </Form.Item>
        <Form.Item name="alternates" label={t('knowledge.alternates')} extra={t('knowledge.alternatesHelp')}>
          <Input.TextArea rows={3} />
        </Form.Item>
        <Form.Item name="answer" label={t('knowledge.answer')} rules={[{ required: true, message: t('knowledge.required') }]}>
          <Input.TextArea rows={6} data-testid="kb-answer" />
        </Form.Item>
        <Form.Item name="keywords" label={t('knowledge.keywords')}>
          <Select mode="tags" tokenSeparators={[',', '，', '、']} open={false} />
        </Form.Item>
        <Flex gap={12}>
          <Form.Item name="departmentCode" label={t('knowledge.department')} style={{ flex: 1 }}>
            <Input />
          </Form.Item>
          <Form.Item name="topic" label={t('knowledge.topic')} style={{ flex: 1 }}>
            <Input />
          </Form.Item>
          <Form.Item name="reviewDueOn" label={t('knowledge.reviewDueOn')} style={{ flex: 1 }}>
            <Input type="date" />
          </Form.Item>
        </Flex>
        <Form.Item name="note" label={t('knowledge.note')}>
          <Input disabled={busy} />
        </Form.Item>
      </Form>
      {entry?.reviewNote ? <Typography.Paragraph type="secondary">{t('knowledge.reviewNote')}: {entry.reviewNote}</Typography.Paragraph> : null}
      {entry && entry.liveVersion !== null && entry.liveVersion !== entry.version ? (
        <Typography.Paragraph type="warning">{t('knowledge.liveIs', { version: entry.liveVersion })}</Typography.Paragraph>
      ) : null}
      <Flex gap={8} wrap style={{ marginBottom: 24 }}>
        {editable ? (
          <Button type="primary" onClick={() => void save()} loading={busy} data-testid="kb-save">
            {t('knowledge.save')}
          </Button>
        ) : null}
        {ACTION_ORDER.filter((a) => entry?.actions.includes(a)).map((a) => (
          <Button key={a} onClick={() => void act(a)} loading={busy} danger={a === 'archive' || a === 'reject'} data-testid={`kb-action-${a}`}>
            {t(`knowledge.actions.${a}`)}
          </Button>
        ))}
      </Flex>
      {entry ? (
        <>
          <Typography.Title level={5}>{t('knowledge.versions')}</Typography.Title>
          <Timeline
            items={entry.versions.map((v) => ({
              key: v.version,
              children: (
                <div>
                  <Typography.Text strong>v{v.version}</Typography.Text> · {new Date(v.createdAt).toLocaleString()} · {v.createdBy ?? t('knowledge.system')}
                  {v.note ? <Typography.Text type="secondary"> · {v.note}</Typography.Text> : null}
                  <div>{v.question}</div>
                </div>
              ),
            }))}
          />
        </>
      ) : null}
    </Drawer>
  );
}
