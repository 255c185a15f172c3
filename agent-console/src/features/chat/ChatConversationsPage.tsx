/** 智能客服会话: the bot's conversations on web, SMS and phone, and the requests citizens left for a person. */
import { useState } from 'react';
import { Button, Card, Drawer, Flex, Select, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApiQuery } from '../../lib/use-api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import { RefreshButton } from '../shell/RefreshButton.tsx';

type Conversation = { id: string; channel: string; phoneMasked: string | null; outcome: string | null; messageCount: number; firstQuestion: string | null; lastMessageAt: string };
type Message = { id: string; role: 'user' | 'bot'; text: string; kind: string | null; helpful: boolean | null; at: string };
type ChatRequest = { id: string; channel: string; text: string; phoneMasked: string | null; ticketNumber: string | null; status: string; createdAt: string };

const OUTCOME_COLOURS: Record<string, string> = { answered: 'green', unanswered: 'red', handoff: 'orange', request_left: 'blue' };

function ConversationDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const query = useApiQuery<{ messages: Message[] }>(`/api/chat/conversations/${id}`);
  const messages = query.data?.messages ?? [];
  return (
    <Drawer open onClose={onClose} title={t('chat.conversation')} size="large">
      <Flex vertical gap={8}>
        {messages.map((m) => (
          <Flex key={m.id} justify={m.role === 'user' ? 'flex-end' : 'flex-start'}>
            <div style={{ maxWidth: '80%', whiteSpace: 'pre-wrap', padding: '6px 10px', borderRadius: 8, background: m.role === 'user' ? '#e6f4ff' : '#f5f5f5' }}>
              <Typography.Text>{m.text}</Typography.Text>
              <div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {new Date(m.at).toLocaleTimeString()} {m.kind ? `· ${t(`chat.kind.${m.kind}`, { defaultValue: m.kind })}` : ''}
                  {m.helpful === true ? ` · ${t('chat.helpful')}` : m.helpful === false ? ` · ${t('chat.unhelpful')}` : ''}
                </Typography.Text>
              </div>
            </div>
          </Flex>
        ))}
      </Flex>
    </Drawer>
  );
}

export default function ChatConversationsPage() {
  const { t } = useTranslation();
  const [channel, setChannel] = useState<string | undefined>(undefined);
  const [outcome, setOutcome] = useState<string | undefined>(undefined);
  const [open, setOpen] = useState<string | null>(null);
  const conversations = useApiQuery<{ items: Conversation[] }>('/api/chat/conversations', { limit: 100, ...(channel ? { channel } : {}), ...(outcome ? { outcome } : {}) });
  const requests = useApiQuery<{ items: ChatRequest[] }>('/api/chat/requests', { limit: 100 });

  const columns: TableColumnsType<Conversation> = [
    { title: t('chat.lastMessageAt'), dataIndex: 'lastMessageAt', width: 170, render: (at: string) => new Date(at).toLocaleString() },
    { title: t('chat.channelLabel'), dataIndex: 'channel', width: 90, render: (c: string) => <Tag>{t(`chat.channel.${c}`, { defaultValue: c })}</Tag> },
    { title: t('chat.firstQuestion'), dataIndex: 'firstQuestion', render: (q: string | null, c) => <Typography.Link onClick={() => setOpen(c.id)}>{q ?? t('common.none')}</Typography.Link> },
    { title: t('chat.messages'), dataIndex: 'messageCount', width: 80 },
    { title: t('chat.outcomeLabel'), dataIndex: 'outcome', width: 110, render: (o: string | null) => (o ? <Tag color={OUTCOME_COLOURS[o]}>{t(`chat.outcome.${o}`, { defaultValue: o })}</Tag> : t('common.none')) },
    { title: t('chat.phone'), dataIndex: 'phoneMasked', width: 130, render: (p: string | null) => p ?? t('common.none') },
  ];
  const requestColumns: TableColumnsType<ChatRequest> = [
    { title: t('chat.createdAt'), dataIndex: 'createdAt', width: 170, render: (at: string) => new Date(at).toLocaleString() },
    { title: t('chat.channelLabel'), dataIndex: 'channel', width: 90, render: (c: string) => <Tag>{t(`chat.channel.${c}`, { defaultValue: c })}</Tag> },
    { title: t('chat.request'), dataIndex: 'text', render: (text: string) => <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }} ellipsis={{ rows: 3, expandable: true }}>{text}</Typography.Paragraph> },
    { title: t('chat.phone'), dataIndex: 'phoneMasked', width: 130, render: (p: string | null) => p ?? t('common.none') },
    { title: t('chat.ticket'), dataIndex: 'ticketNumber', width: 200, render: (n: string | null) => n ?? <Tag color="orange">{t('chat.notTicketed')}</Tag> },
  ];

  return (
    <div data-testid="chat-conversations-page">
      <PageTitle
        title={t('chat.title')}
        description={t('chat.description')}
        extra={
          <RefreshButton onClick={() => { conversations.reload(); requests.reload(); }} loading={conversations.loading} />
        }
      />
      {conversations.error ? <LoadError error={conversations.error} onRetry={conversations.reload} /> : null}
      <Card>
        <Tabs
          items={[
            {
              key: 'conversations',
              label: t('chat.conversations'),
              children: (
                <>
                  <Flex gap={8} style={{ marginBottom: 12 }}>
                    <Select allowClear placeholder={t('chat.channelLabel')} value={channel} onChange={setChannel} style={{ width: 140 }} options={['web', 'sms', 'phone'].map((c) => ({ value: c, label: t(`chat.channel.${c}`) }))} />
                    <Select allowClear placeholder={t('chat.outcomeLabel')} value={outcome} onChange={setOutcome} style={{ width: 160 }} options={['answered', 'unanswered', 'handoff', 'request_left'].map((o) => ({ value: o, label: t(`chat.outcome.${o}`) }))} />
                  </Flex>
                  <Table rowKey="id" columns={columns} dataSource={conversations.data?.items ?? []} loading={conversations.loading} size="middle" />
                </>
              ),
            },
            {
              key: 'requests',
              label: t('chat.requests'),
              children: <Table rowKey="id" columns={requestColumns} dataSource={requests.data?.items ?? []} loading={requests.loading} size="middle" />,
            },
          ]}
        />
      </Card>
      {open ? <ConversationDrawer id={open} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}
