/**
 * 知识库管理: entries by workflow state (the review tab is the hotline's review queue), entries past their
 * review date, search, create and edit, import (JSON lines, YAML, xlsx) and export. Department staff see
 * only their own department's entries: the server scopes the list.
 */
import { useRef, useState } from 'react';
import { App, Button, Card, Dropdown, Flex, Input, Modal, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { DownloadOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../lib/api.ts';
import { useApiQuery } from '../../lib/use-api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import { EntryEditor } from './EntryEditor.tsx';
import type { EntryList, ImportResult, KbState, KnowledgeEntry } from './types.ts';
import { RefreshButton } from '../shell/RefreshButton.tsx';

type Tab = KbState | 'stale' | 'all';
const TABS: Tab[] = ['all', 'draft', 'review', 'published', 'archived', 'stale'];
const STATE_COLOURS: Record<KbState, string> = { draft: 'default', review: 'gold', published: 'green', archived: 'default' };

function formatOf(fileName: string): 'jsonl' | 'yaml' | 'xlsx' | null {
  if (/\.(jsonl|ndjson|json)$/i.test(fileName)) return 'jsonl';
  if (/\.ya?ml$/i.test(fileName)) return 'yaml';
  if (/\.xlsx$/i.test(fileName)) return 'xlsx';
  return null;
}

function toBase64(buffer: ArrayBuffer): string {
  let binary = '';
  const bytes = new Uint8Array(buffer);
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function KnowledgeEntries({ initialTab = 'all' }: { initialTab?: Tab }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [tab, setTab] = useState<Tab>(initialTab);
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [importResult, setImportResult] = useState<ImportResult | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const query = useApiQuery<EntryList>('/api/knowledge/entries', {
    limit: 500,
    ...(tab === 'stale' ? { stale: 'true' } : tab === 'all' ? {} : { state: tab }),
    ...(q ? { q } : {}),
  });

  const importFile = async (file: File) => {
    const format = formatOf(file.name);
    if (!format) return void message.error(t('knowledge.importUnknownFormat'));
    try {
      const content = format === 'xlsx' ? toBase64(await file.arrayBuffer()) : await file.text();
      setImportResult(await api.request<ImportResult>('/api/knowledge/import', { method: 'POST', body: { format, content, as: 'draft' } }));
      query.reload();
    } catch (e) {
      message.error(errorMessage(e, t));
    }
  };

  const exportAs = async (format: string) => {
    const response = await fetch(`/api/knowledge/export?format=${format}`, { headers: { authorization: `Bearer ${api.getAccessToken() ?? ''}` } });
    if (!response.ok) return void message.error(t('knowledge.exportFailed'));
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = /filename="?([^";]+)/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `knowledge.${format}`;
    link.click();
    URL.revokeObjectURL(url);
  };

  const columns: TableColumnsType<KnowledgeEntry> = [
    { title: t('knowledge.code'), dataIndex: 'code', width: 150 },
    {
      title: t('knowledge.question'),
      dataIndex: 'question',
      render: (question: string, e) => (
        <Flex vertical>
          <Typography.Link onClick={() => setEditing(e.id)}>{question}</Typography.Link>
          {e.isSample ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('knowledge.sample')}</Typography.Text> : null}
        </Flex>
      ),
    },
    { title: t('knowledge.department'), dataIndex: 'departmentName', width: 160, render: (name: string | null, e) => name ?? e.departmentCode ?? t('common.none') },
    {
      title: t('knowledge.state'),
      dataIndex: 'state',
      width: 150,
      render: (state: KbState, e) => (
        <Flex gap={4} wrap>
          <Tag color={STATE_COLOURS[state]}>{t(`knowledge.states.${state}`)}</Tag>
          {e.liveVersion !== null && state !== 'published' ? <Tag color="green">{t('knowledge.live')}</Tag> : null}
        </Flex>
      ),
    },
    { title: t('knowledge.version'), dataIndex: 'version', width: 70, render: (v: number) => `v${v}` },
    {
      title: t('knowledge.reviewDueOn'),
      dataIndex: 'reviewDueOn',
      width: 130,
      render: (date: string | null, e) => (e.stale ? <Tag color="red" data-testid="kb-stale">{date} {t('knowledge.stale')}</Tag> : (date ?? t('common.none'))),
    },
  ];

  const counts = query.data?.counts ?? {};
  return (
    <div data-testid="knowledge-entries-page">
      <PageTitle
        title={t('knowledge.manageTitle')}
        description={t('knowledge.manageDescription')}
        extra={
          <Flex gap={8} wrap>
            <Button icon={<PlusOutlined />} type="primary" onClick={() => setCreating(true)} data-testid="kb-new">
              {t('knowledge.newEntry')}
            </Button>
            <Button icon={<UploadOutlined />} onClick={() => fileInput.current?.click()}>
              {t('knowledge.import')}
            </Button>
            <Dropdown menu={{ items: ['jsonl', 'yaml', 'xlsx'].map((f) => ({ key: f, label: f.toUpperCase(), onClick: () => void exportAs(f) })) }}>
              <Button icon={<DownloadOutlined />}>{t('knowledge.export')}</Button>
            </Dropdown>
            <RefreshButton onClick={query.reload} loading={query.loading} />
          </Flex>
        }
      />
      <input
        ref={fileInput}
        type="file"
        accept=".jsonl,.ndjson,.json,.yaml,.yml,.xlsx"
        style={{ display: 'none' }}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void importFile(file);
        }}
      />
      {query.error ? <LoadError error={query.error} onRetry={query.reload} /> : null}
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(key) => setTab(key as Tab)}
          items={TABS.map((key) => ({
            key,
            label: key === 'all' ? t('knowledge.all') : `${key === 'stale' ? t('knowledge.staleTab') : t(`knowledge.states.${key}`)} (${counts[key] ?? 0})`,
          }))}
        />
        <Input.Search placeholder={t('knowledge.filterPlaceholder')} allowClear onSearch={setQ} style={{ maxWidth: 360, marginBottom: 12 }} />
        <Table rowKey="id" columns={columns} dataSource={query.data?.items ?? []} loading={query.loading} size="middle" pagination={{ pageSize: 20, showSizeChanger: false }} />
      </Card>
      <EntryEditor
        entryId={editing}
        creating={creating}
        onClose={() => {
          setEditing(null);
          setCreating(false);
        }}
        onChanged={query.reload}
      />
      <Modal open={importResult !== null} onCancel={() => setImportResult(null)} onOk={() => setImportResult(null)} title={t('knowledge.importResult')} data-testid="kb-import-result">
        {importResult ? (
          <>
            <Typography.Paragraph>{t('knowledge.importCounts', importResult)}</Typography.Paragraph>
            {importResult.errors.map((e) => (
              <Typography.Paragraph key={`${e.line}-${e.code}`} type="danger" style={{ margin: 0 }}>
                {t('knowledge.importLine', { line: e.line })} {e.code ?? ''}: {e.message}
              </Typography.Paragraph>
            ))}
          </>
        ) : null}
      </Modal>
    </div>
  );
}

export default function KnowledgeEntriesPage() {
  return <KnowledgeEntries />;
}
