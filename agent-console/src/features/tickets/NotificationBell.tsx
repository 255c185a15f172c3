/**
 * The bell in the header: how many notices are unread (urges, supervision notices, deadline warnings for a
 * department; deadline warnings and overdue work for supervisors), and the latest ones in a popover. Opening
 * a notice marks it read and goes to its ticket. Counts refresh when the server pushes a notice.
 */
import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Empty, Flex, Popover, Spin, Switch, Typography } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { currentLanguage } from '../../i18n/index.ts';
import { api } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { NOTICE_EVENTS, useLiveRefresh } from './live.ts';
import { ticketPath } from './paths.ts';
import type { Notification } from './types.ts';

/** The most unread notices counted; the badge shows 99+ above 99 anyway. */
const UNREAD_LIMIT = 200;

export function NotificationBell({ abilities }: { abilities: Record<string, boolean> }) {
  if (abilities['tickets.read'] !== true) return null;
  return <Bell />;
}

function Bell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [items, setItems] = useState<Notification[] | null>(null);

  const countUnread = useCallback(async () => {
    try {
      const result = await api.request<{ items: Notification[] }>('/api/notifications', { query: { unread: true, limit: UNREAD_LIMIT } });
      setUnread(result.items.length);
    } catch {
      // The count is a convenience; the next push or page load tries again.
    }
  }, []);

  const loadList = useCallback(async (onlyUnread: boolean) => {
    try {
      const result = await api.request<{ items: Notification[] }>('/api/notifications', { query: { unread: onlyUnread, limit: 20 } });
      setItems(result.items);
    } catch {
      setItems([]);
    }
  }, []);

  useEffect(() => {
    void countUnread();
  }, [countUnread]);
  useEffect(() => {
    if (open) void loadList(unreadOnly);
  }, [open, unreadOnly, loadList]);
  useLiveRefresh(
    () => {
      void countUnread();
      if (open) void loadList(unreadOnly);
    },
    { events: NOTICE_EVENTS, delayMs: 300 },
  );

  const openNotice = async (notice: Notification) => {
    setOpen(false);
    if (!notice.read) {
      await api.request(`/api/notifications/${notice.id}/read`, { method: 'POST' }).catch(() => undefined);
      void countUnread();
    }
    navigate(ticketPath(notice.ticketId));
  };

  const markRead = async (notice: Notification) => {
    await api.request(`/api/notifications/${notice.id}/read`, { method: 'POST' }).catch(() => undefined);
    setItems((list) => list?.map((n) => (n.id === notice.id ? { ...n, read: true } : n)) ?? null);
    void countUnread();
  };

  const language = currentLanguage();
  const content = (
    <div style={{ width: 360, maxHeight: 420, overflowY: 'auto' }} data-testid="notification-list">
      <Flex justify="flex-end" align="center" gap={6} style={{ marginBottom: 8 }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('tickets.notifications.unreadOnly')}
        </Typography.Text>
        <Switch size="small" checked={unreadOnly} onChange={setUnreadOnly} />
      </Flex>
      {items === null ? (
        <Flex justify="center" style={{ padding: 16 }}>
          <Spin />
        </Flex>
      ) : items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tickets.notifications.empty')} />
      ) : (
        <Flex vertical gap={4}>
          {items.map((n) => (
            <div
              key={n.id}
              data-testid="notification-item"
              data-read={n.read}
              style={{ padding: '8px 10px', borderRadius: 6, background: n.read ? undefined : '#f0f7ff', cursor: 'pointer' }}
              onClick={() => void openNotice(n)}
            >
              <Typography.Paragraph style={{ margin: 0, fontWeight: n.read ? 400 : 600 }} ellipsis={{ rows: 3 }}>
                {n.message}
              </Typography.Paragraph>
              <Flex justify="space-between" align="center">
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {n.ticketNumber} · {formatDateTime(n.createdAt, language)}
                </Typography.Text>
                {n.read ? null : (
                  <Typography.Link
                    style={{ fontSize: 12 }}
                    onClick={(event) => {
                      event.stopPropagation();
                      void markRead(n);
                    }}
                  >
                    {t('tickets.notifications.markRead')}
                  </Typography.Link>
                )}
              </Flex>
            </div>
          ))}
        </Flex>
      )}
    </div>
  );

  return (
    <Popover open={open} onOpenChange={setOpen} trigger="click" placement="bottomRight" title={t('tickets.notifications.title')} content={content}>
      <Badge count={unread} overflowCount={99} size="small" offset={[-4, 4]} data-testid="notification-count" data-count={unread}>
        <Button type="text" aria-label={t('tickets.notifications.bell')} icon={<BellOutlined style={{ color: '#ffffff', fontSize: 18 }} />} data-testid="notification-bell" />
      </Badge>
    </Popover>
  );
}
