/**
 * 模拟来电 (simulator mode): play a citizen dialling the hotline from the browser. The platform places the
 * call on the carrier simulator and relays each step as the socket event `sim_phone.stepped`; the page shows
 * what the caller hears, and sends keys and speech to whatever prompt the caller is at.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, App, Badge, Button, Card, Col, Empty, Flex, Input, Row, Select, Space, Typography } from 'antd';
import { AudioOutlined, PhoneOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../lib/api.ts';
import { useRealtimeEvent } from '../../lib/socket.ts';
import { useApiQuery } from '../../lib/use-api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import { callStatus, isCallerSide, isHeard, type PhoneEvent, type PhoneStatus } from './caller-phone-model.ts';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
const STATUS_BADGES: Record<PhoneStatus, 'default' | 'processing' | 'success' | 'error'> = { idle: 'default', dialling: 'processing', inCall: 'success', ended: 'default' };

export default function CallerPhonePage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const availability = useApiQuery<{ available: boolean; hotlineNumber: string | null }>('/api/sim-phone');
  const [from, setFrom] = useState('13800138000');
  const [lang, setLang] = useState<'zh-CN' | 'en'>(i18n.language === 'en' ? 'en' : 'zh-CN');
  const [callSid, setCallSid] = useState<string | null>(null);
  const [dialling, setDialling] = useState(false);
  const [events, setEvents] = useState<PhoneEvent[]>([]);
  const [speech, setSpeech] = useState('');
  // Steps can arrive before the answer that names the call: keep them by call until it is known.
  const pending = useRef(new Map<string, PhoneEvent[]>());
  const activeSid = useRef<string | null>(null);
  const logEnd = useRef<HTMLDivElement>(null);

  useRealtimeEvent<[PhoneEvent]>('sim_phone.stepped', (event) => {
    if (event.callSid === activeSid.current) setEvents((list) => [...list, event]);
    else pending.current.set(event.callSid, [...(pending.current.get(event.callSid) ?? []), event]);
  });

  useEffect(() => {
    logEnd.current?.scrollIntoView({ block: 'nearest' });
  }, [events.length]);

  const status = callStatus(dialling, callSid, events);
  const valid = /^\+?\d{5,20}$/.test(from.trim());
  const hotline = availability.data?.hotlineNumber ?? '12345';

  const dial = async () => {
    setDialling(true);
    setEvents([]);
    setCallSid(null);
    activeSid.current = null;
    try {
      const placed = await api.request<{ callSid: string }>('/api/sim-phone/calls', { method: 'POST', body: { from: from.trim(), lang } });
      activeSid.current = placed.callSid;
      setCallSid(placed.callSid);
      setEvents(pending.current.get(placed.callSid) ?? []);
      pending.current.delete(placed.callSid);
    } catch (error) {
      message.error(errorMessage(error, t));
    } finally {
      setDialling(false);
    }
  };

  const send = async (input: { press: string } | { say: string }) => {
    if (!callSid) return;
    try {
      const answer = await api.request<{ accepted: boolean }>(`/api/sim-phone/calls/${callSid}/input`, { method: 'POST', body: input });
      if (!answer.accepted) message.warning({ content: t('calls.callerPhone.notListening'), key: 'caller-phone-not-listening' });
      else if ('say' in input) setSpeech('');
    } catch (error) {
      message.error(errorMessage(error, t));
    }
  };

  const hangup = async () => {
    if (!callSid) return;
    try {
      await api.request(`/api/sim-phone/calls/${callSid}/hangup`, { method: 'POST' });
    } catch (error) {
      message.error(errorMessage(error, t));
    }
  };

  const live = status === 'inCall';
  return (
    <div data-testid="caller-phone-page">
      <PageTitle title={t('calls.callerPhone.title')} description={t('calls.callerPhone.description')} />
      {availability.error ? <LoadError error={availability.error} onRetry={availability.reload} /> : null}
      {availability.data && !availability.data.available ? <Alert type="info" showIcon title={t('calls.callerPhone.unavailable')} data-testid="caller-phone-unavailable" /> : null}
      {availability.data?.available ? (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={9}>
            <Card>
              <Flex vertical gap={12}>
                <Flex align="center" justify="space-between">
                  <Badge status={STATUS_BADGES[status]} text={<span data-testid="caller-phone-status" data-status={status}>{t(`calls.callerPhone.${status}`)}</span>} />
                  {callSid ? (
                    <Typography.Text type="secondary" style={{ fontSize: 11 }} copyable={{ text: callSid }}>
                      {t('calls.callerPhone.callSid')}
                    </Typography.Text>
                  ) : null}
                </Flex>
                <div>
                  <Typography.Text type="secondary">{t('calls.callerPhone.from')}</Typography.Text>
                  <Input value={from} onChange={(e) => setFrom(e.target.value)} disabled={live || dialling} status={valid ? undefined : 'error'} data-testid="caller-phone-from" inputMode="tel" />
                  {valid ? null : (
                    <Typography.Text type="danger" style={{ fontSize: 12 }}>
                      {t('calls.callerPhone.fromInvalid')}
                    </Typography.Text>
                  )}
                </div>
                <div>
                  <Typography.Text type="secondary">{t('calls.callerPhone.language')}</Typography.Text>
                  <Select
                    value={lang}
                    onChange={setLang}
                    disabled={live || dialling}
                    style={{ width: '100%' }}
                    options={[
                      { value: 'zh-CN', label: t('language.zh-CN') },
                      { value: 'en', label: t('language.en') },
                    ]}
                  />
                </div>
                {live ? (
                  <Button danger type="primary" size="large" icon={<PhoneOutlined rotate={135} />} onClick={() => void hangup()} data-testid="caller-phone-hangup">
                    {t('calls.callerPhone.hangup')}
                  </Button>
                ) : (
                  <Button type="primary" size="large" icon={<PhoneOutlined />} loading={dialling} disabled={!valid} onClick={() => void dial()} data-testid="caller-phone-dial" style={{ background: '#16a34a' }}>
                    {t('calls.callerPhone.dial', { number: hotline })}
                  </Button>
                )}
                <Typography.Text type="secondary">{t('calls.callerPhone.keypad')}</Typography.Text>
                <div style={{ display: 'grid', gridTemplateColumns: 'repeat(3, 1fr)', gap: 8 }}>
                  {KEYS.map((key) => (
                    <Button key={key} size="large" disabled={!live} onClick={() => void send({ press: key })} data-testid={`caller-phone-key-${key === '*' ? 'star' : key === '#' ? 'hash' : key}`}>
                      {key}
                    </Button>
                  ))}
                </div>
                <Typography.Text type="secondary">{t('calls.callerPhone.say')}</Typography.Text>
                <Space.Compact style={{ width: '100%' }}>
                  <Input
                    value={speech}
                    onChange={(e) => setSpeech(e.target.value)}
                    placeholder={t('calls.callerPhone.sayPlaceholder')}
                    disabled={!live}
                    onPressEnter={() => speech.trim() && void send({ say: speech.trim() })}
                    data-testid="caller-phone-say-input"
                  />
                  <Button icon={<AudioOutlined />} disabled={!live || !speech.trim()} onClick={() => void send({ say: speech.trim() })} data-testid="caller-phone-say-send">
                    {t('calls.callerPhone.send')}
                  </Button>
                </Space.Compact>
              </Flex>
            </Card>
          </Col>
          <Col xs={24} lg={15}>
            <Card title={t('calls.callerPhone.log')} styles={{ body: { maxHeight: '65vh', overflowY: 'auto' } }}>
              {events.length === 0 ? (
                <Empty description={t('calls.callerPhone.empty')} />
              ) : (
                <Flex vertical gap={6} data-testid="caller-phone-log">
                  {events.map((event, index) => (
                    <StepLine key={index} event={event} />
                  ))}
                  <div ref={logEnd} />
                </Flex>
              )}
            </Card>
          </Col>
        </Row>
      ) : null}
    </div>
  );
}

function StepLine({ event }: { event: PhoneEvent }) {
  const { t } = useTranslation();
  const text = event.event === 'end' ? t('calls.callerPhone.ended') : (event.text ?? event.kind ?? '');
  if (isHeard(event) || isCallerSide(event)) {
    const mine = isCallerSide(event);
    return (
      <Flex justify={mine ? 'flex-end' : 'flex-start'} data-testid="caller-phone-step" data-kind={event.kind}>
        <div style={{ maxWidth: '85%', padding: '6px 10px', borderRadius: 8, background: mine ? '#e6f4ff' : '#f5f5f5', whiteSpace: 'pre-wrap' }}>{text}</div>
      </Flex>
    );
  }
  return (
    <Flex justify="center" data-testid="caller-phone-step" data-kind={event.event === 'end' ? 'end' : event.kind}>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {text}
      </Typography.Text>
    </Flex>
  );
}
