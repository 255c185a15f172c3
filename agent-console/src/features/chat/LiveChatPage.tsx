/**
 * 在线人工客服: web chats whose citizen chose to wait for a person. The list refreshes on the server's
 * `chat.live_*` pushes; the open chat shows the whole conversation (bot turns included) and the citizen's new
 * messages arrive over the socket. Who may take, reply or end is the server's decision; errors are shown.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { App, Badge, Button, Card, Col, Empty, Flex, Input, List, Popconfirm, Row, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useRealtimeEvent } from '../../lib/socket.ts';
import { useApiQuery } from '../../lib/use-api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import { RefreshButton } from '../shell/RefreshButton.tsx';

type LiveState = 'waiting' | 'connected' | 'ended';
type LiveItem = {
  sessionId: string;
  state: LiveState;
  requestedAt: string;
  agentName: string | null;
  mine: boolean;
  firstQuestion: string | null;
  waitingText: string | null;
};
type Message = { id: string; role: 'user' | 'bot' | 'agent'; text: string; kind: string | null; at: string };
type LiveChat = { sessionId: string; live: { state: LiveState; agentName: string | null } | null; mine: boolean; messages: Message[] };

const STATE_COLOURS: Record<LiveState, string> = { waiting: 'orange', connected: 'blue', ended: 'default' };
const BUBBLE: Record<Message['role'], string> = { user: '#e6f4ff', bot: '#f5f5f5', agent: '#f6ffed' };

function ChatPanel({ chat, onChanged }: { chat: LiveChat; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [draft, setDraft] = useState('');
  const [sending, setSending] = useState(false);
  const bottom = useRef<HTMLDivElement>(null);
  const active = chat.live?.state === 'connected' && chat.mine;

  useEffect(() => {
    bottom.current?.scrollIntoView?.({ block: 'end' });
  }, [chat.messages.length]);

  async function send() {
    const text = draft.trim();
    if (!text || sending) return;
    setSending(true);
    try {
      await api.request(`/api/chat/live/${chat.sessionId}/messages`, { method: 'POST', body: { text } });
      setDraft('');
      onChanged();
    } catch (error) {
      message.error(errorMessage(error, t));
    } finally {
      setSending(false);
    }
  }

  async function end() {
    try {
      await api.request(`/api/chat/live/${chat.sessionId}/end`, { method: 'POST' });
      message.success(t('liveChat.ended'));
      onChanged();
    } catch (error) {
      message.error(errorMessage(error, t));
    }
  }

  return (
    <Card
      data-testid="live-chat-panel"
      title={chat.live ? <Tag color={STATE_COLOURS[chat.live.state]}>{t(`liveChat.state.${chat.live.state}`)}</Tag> : null}
      extra={
        active ? (
          <Popconfirm title={t('liveChat.endConfirm')} onConfirm={end}>
            <Button danger data-testid="live-chat-end">{t('liveChat.end')}</Button>
          </Popconfirm>
        ) : null
      }
    >
      <Flex vertical gap={8} style={{ maxHeight: 460, overflowY: 'auto', marginBottom: 12 }} data-testid="live-chat-messages">
        {chat.messages.map((m) => (
          <Flex key={m.id} justify={m.role === 'user' ? 'flex-start' : 'flex-end'}>
            <div style={{ maxWidth: '80%', whiteSpace: 'pre-wrap', padding: '6px 10px', borderRadius: 8, background: BUBBLE[m.role] }} data-role={m.role}>
              <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
                {t(`liveChat.role.${m.role}`)} · {formatDateTime(m.at, i18n.language)}
              </Typography.Text>
              <Typography.Text>{m.text}</Typography.Text>
            </div>
          </Flex>
        ))}
        <div ref={bottom} />
      </Flex>
      {active ? (
        <Space.Compact style={{ width: '100%' }}>
          <Input.TextArea
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder={t('liveChat.replyPlaceholder')}
            autoSize={{ minRows: 2, maxRows: 5 }}
            maxLength={2000}
            data-testid="live-chat-input"
            onPressEnter={(e) => {
              if (!e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault();
                void send();
              }
            }}
          />
          <Button type="primary" onClick={() => void send()} loading={sending} data-testid="live-chat-send">
            {t('liveChat.send')}
          </Button>
        </Space.Compact>
      ) : null}
    </Card>
  );
}

export default function LiveChatPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const list = useApiQuery<{ items: LiveItem[]; agentsAvailable: number }>('/api/chat/live');
  const [openId, setOpenId] = useState<string | null>(null);
  const [chat, setChat] = useState<LiveChat | null>(null);

  const loadChat = useCallback(
    async (id: string) => {
      try {
        setChat(await api.request<LiveChat>(`/api/chat/live/${id}`));
      } catch (error) {
        message.error(errorMessage(error, t));
      }
    },
    [message, t],
  );

  useEffect(() => {
    if (openId) void loadChat(openId);
    else setChat(null);
  }, [openId, loadChat]);

  const refresh = () => {
    list.reload();
    if (openId) void loadChat(openId);
  };
  useRealtimeEvent('chat.live_waiting', () => list.reload());
  useRealtimeEvent('chat.live_taken', () => list.reload());
  useRealtimeEvent('chat.live_ended', (payload: { sessionId: string }) => {
    list.reload();
    if (payload.sessionId === openId) void loadChat(payload.sessionId);
  });
  useRealtimeEvent('chat.live_message', (payload: { sessionId: string; message: Message }) => {
    if (payload.sessionId !== openId) return list.reload();
    setChat((current) => (current && !current.messages.some((m) => m.id === payload.message.id) ? { ...current, messages: [...current.messages, payload.message] } : current));
  });

  async function accept(id: string) {
    try {
      await api.request(`/api/chat/live/${id}/accept`, { method: 'POST' });
      message.success(t('liveChat.accepted'));
      setOpenId(id);
      void loadChat(id);
    } catch (error) {
      message.error(errorMessage(error, t));
    }
    list.reload();
  }

  const items = list.data?.items ?? [];
  return (
    <div data-testid="live-chat-page">
      <PageTitle title={t('liveChat.title')} description={t('liveChat.description')} extra={<RefreshButton onClick={refresh} loading={list.loading} />} />
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : null}
      <Row gutter={16}>
        <Col xs={24} lg={9}>
          <Card title={t('liveChat.queue')} extra={<Badge status="success" text={t('liveChat.agentsAvailable', { count: list.data?.agentsAvailable ?? 0 })} />}>
            <List
              dataSource={items}
              locale={{ emptyText: <Empty description={t('liveChat.empty')} /> }}
              renderItem={(item) => (
                <List.Item
                  data-testid="live-chat-item"
                  style={{ background: item.sessionId === openId ? '#e6f4ff' : undefined, paddingInline: 8 }}
                  actions={[
                    item.state === 'waiting' ? (
                      <Button key="accept" type="primary" size="small" onClick={() => void accept(item.sessionId)} data-testid="live-chat-accept">
                        {t('liveChat.accept')}
                      </Button>
                    ) : (
                      <Button key="open" size="small" onClick={() => setOpenId(item.sessionId)}>
                        {t('liveChat.open')}
                      </Button>
                    ),
                  ]}
                >
                  <List.Item.Meta
                    title={
                      <Space size={4} wrap>
                        <Tag color={STATE_COLOURS[item.state]}>{t(`liveChat.state.${item.state}`)}</Tag>
                        {item.mine ? <Tag color="blue">{t('liveChat.mine')}</Tag> : item.agentName ? <Tag>{t('liveChat.takenBy', { name: item.agentName })}</Tag> : null}
                      </Space>
                    }
                    description={
                      <>
                        <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: 0 }}>
                          {item.firstQuestion ? `${t('liveChat.firstQuestion')}：${item.firstQuestion}` : null}
                        </Typography.Paragraph>
                        {item.waitingText ? (
                          <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: 0 }}>
                            {`${t('liveChat.writtenWhileWaiting')}：${item.waitingText}`}
                          </Typography.Paragraph>
                        ) : null}
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {t('liveChat.waitingSince', { time: formatDateTime(item.requestedAt, i18n.language) })}
                        </Typography.Text>
                      </>
                    }
                  />
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} lg={15}>
          {chat ? <ChatPanel chat={chat} onChanged={() => { void loadChat(chat.sessionId); list.reload(); }} /> : <Card><Empty description={t('liveChat.pick')} /></Card>}
        </Col>
      </Row>
    </div>
  );
}
