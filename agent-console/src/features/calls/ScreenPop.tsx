/**
 * 来电弹屏: who is calling, shown while the phone rings and during the call. The masked number, desk,
 * repeat-caller badge, earlier calls and related tickets, and the button that opens ticket registration
 * for this call.
 */
import { Button, Descriptions, Empty, Flex, List, Tag, Typography } from 'antd';
import { FileAddOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { formatDateTime } from '../../lib/format.ts';
import { useDeskLabel } from './desks.ts';
import { useWrapUpCodes } from '../wrap-up/use-wrap-up-codes.ts';
import { formatDuration, ticketRegistrationPath } from './format.ts';
import type { Call, ScreenPop as ScreenPopData } from './types.ts';

export function ScreenPop({ call, pop }: { call: Call; pop: ScreenPopData | null }) {
  const { t, i18n } = useTranslation();
  const deskLabel = useDeskLabel();
  const wrapUp = useWrapUpCodes();
  const navigate = useNavigate();
  const repeat = pop?.repeatCaller ?? call.repeatCaller;
  const earlier = pop?.earlierCalls ?? [];
  const tickets = pop?.tickets ?? [];
  return (
    <div data-testid="screen-pop" data-call-id={call.id}>
      <Flex align="center" justify="space-between" gap={8} wrap style={{ marginBottom: 8 }}>
        <Typography.Text strong>{t('calls.screenPop.title')}</Typography.Text>
        <Flex gap={4} wrap>
          {repeat ? (
            <Tag color="volcano" data-testid="screen-pop-repeat" title={t('calls.screenPop.repeatHint')}>
              {t('calls.screenPop.repeat')}
            </Tag>
          ) : null}
          {call.callbackRequested ? <Tag color="blue">{t('calls.screenPop.callbackRequested')}</Tag> : null}
          {call.direction === 'callback' ? <Tag color="purple">{t('calls.softphone.callback')}</Tag> : null}
        </Flex>
      </Flex>
      <Descriptions
        size="small"
        column={1}
        bordered
        items={[
          { key: 'caller', label: t('calls.screenPop.caller'), children: <span data-testid="screen-pop-caller">{call.callerMasked}</span> },
          { key: 'desk', label: t('calls.screenPop.desk'), children: deskLabel(call.desk) },
          ...(call.language !== 'zh-CN' ? [{ key: 'language', label: t('calls.screenPop.language'), children: call.language }] : []),
        ]}
      />
      <Typography.Text type="secondary" style={{ display: 'block', margin: '10px 0 4px' }}>
        {t('calls.screenPop.earlierCalls')}
      </Typography.Text>
      {earlier.length === 0 ? (
        <Typography.Text type="secondary" data-testid="screen-pop-no-earlier">
          {t('calls.screenPop.noEarlierCalls')}
        </Typography.Text>
      ) : (
        <List
          size="small"
          data-testid="screen-pop-earlier"
          dataSource={earlier}
          renderItem={(c) => (
            <List.Item style={{ paddingInline: 0 }}>
              <Flex vertical style={{ minWidth: 0 }}>
                <Typography.Text style={{ fontSize: 13 }}>{formatDateTime(c.offeredAt, i18n.language)}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {[
                    c.outcome ? t(`calls.outcome.${c.outcome}`, { defaultValue: c.outcome }) : null,
                    deskLabel(c.desk),
                    c.talkSeconds ? t('calls.screenPop.talk', { time: formatDuration(c.talkSeconds) }) : null,
                    c.wrapUpCode ? t('calls.screenPop.wrapUp', { code: wrapUp.labelOf(c.wrapUpCode) }) : null,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </Typography.Text>
              </Flex>
            </List.Item>
          )}
        />
      )}
      <Typography.Text type="secondary" style={{ display: 'block', margin: '10px 0 4px' }}>
        {t('calls.screenPop.tickets')}
      </Typography.Text>
      {tickets.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('calls.screenPop.noTickets')} style={{ margin: '4px 0' }} />
      ) : (
        <List
          size="small"
          dataSource={tickets}
          renderItem={(ticket, index) => (
            <List.Item key={ticket.id ?? index} style={{ paddingInline: 0 }}>
              {ticket.id ? <Link to={`/tickets/${ticket.id}`}>{ticket.number ?? ticket.id}</Link> : (ticket.number ?? '')} {ticket.title ?? ''}
            </List.Item>
          )}
        />
      )}
      <Button
        type="primary"
        ghost
        block
        icon={<FileAddOutlined />}
        style={{ marginTop: 10 }}
        data-testid="screen-pop-register-ticket"
        data-href={ticketRegistrationPath(call)}
        onClick={() => navigate(ticketRegistrationPath(call))}
      >
        {t('calls.softphone.registerTicket')}
      </Button>
    </div>
  );
}
