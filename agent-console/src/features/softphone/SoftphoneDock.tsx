/**
 * The softphone docked at the bottom right of the shell, for users the server lets answer calls
 * (`calls.answer`). It shows the agent's state with a timer and the switcher; an incoming offer rings
 * (pulse, optional beep) with the masked number, desk and screen pop; during a call: timer, hold, mute,
 * transfer, conference, one-key 110/119/120/122 and hang up; after it, the wrap-up code.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { App, Badge, Button, Card, Divider, Flex, Popconfirm, Segmented, Spin, Switch, Tag, Tooltip, Typography } from 'antd';
import {
  AudioMutedOutlined,
  AudioOutlined,
  CustomerServiceOutlined,
  DownOutlined,
  PauseCircleOutlined,
  PhoneOutlined,
  PlayCircleOutlined,
  SwapOutlined,
  TeamOutlined,
  UpOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../lib/api.ts';
import { errorMessage } from '../../lib/api.ts';
import { useDeskLabel } from '../calls/desks.ts';
import { formatDuration, secondsSince } from '../calls/format.ts';
import { ScreenPop } from '../calls/ScreenPop.tsx';
import type { AgentStateName } from '../calls/types.ts';
import { BreakDialog, ConferenceDialog, TransferDialog, WrapUpDialog } from './dialogs.tsx';
import { ringToneEnabled, setRingToneEnabled, startRingTone } from './ringer.ts';
import { ringSecondsLeft } from './softphone-state.ts';
import { confirmSignOff, loadSignOffWarning } from './sign-off-confirm.tsx';
import { useSoftphone, type EmergencyNumber, type Softphone } from './use-softphone.ts';
import './softphone.css';

const STATE_COLOURS: Record<AgentStateName, string> = { offline: 'default', available: 'green', ringing: 'orange', on_call: 'red', wrap_up: 'purple', break: 'gold' };
const EMERGENCY: EmergencyNumber[] = ['110', '119', '120', '122'];
const COLLAPSED_KEY = 'hotline.softphone.collapsed';

/** Re-renders every `ms` while mounted; returns the time now. */
function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** Mounted by the shell for every signed-in user; renders only for those who answer calls. */
export function SoftphoneDock({ user }: { user: SessionUser }) {
  if (user.abilities['calls.answer'] !== true) return null;
  return <SoftphonePanel me={user.id} />;
}

function SoftphonePanel({ me }: { me: string }) {
  const { t } = useTranslation();
  const phone = useSoftphone(me);
  const { state } = phone;
  const now = useNow();
  // The user's own fold/unfold choice; without one the panel folds while the agent is offline (a supervisor
  // who rarely takes calls keeps the page free). A ringing or live call always unfolds it.
  const [foldChoice, setFoldChoice] = useState<boolean | null>(() => readCollapsed());
  const [beep, setBeep] = useState(() => ringToneEnabled());
  const ringing = state.phase === 'ringing';
  const agentState = state.agent?.state ?? 'offline';
  const collapsed = state.phase === 'idle' && (foldChoice ?? agentState === 'offline');

  useEffect(() => {
    if (!ringing || !beep) return;
    return startRingTone();
  }, [ringing, beep]);

  const toggle = () => {
    setFoldChoice(!collapsed);
    writeCollapsed(!collapsed);
  };

  return (
    <div className="softphone-dock" data-testid="softphone-dock" data-phase={state.phase} data-state={agentState} data-collapsed={collapsed}>
      <Card
        size="small"
        className={ringing ? 'softphone-card softphone-ringing' : 'softphone-card'}
        title={
          <Flex align="center" gap={8}>
            <CustomerServiceOutlined />
            <span>{t('calls.softphone.title')}</span>
            <Tag color={STATE_COLOURS[agentState]} data-testid="softphone-state" data-state={agentState} style={{ marginInlineEnd: 0 }}>
              {t(`calls.state.${agentState}`)}
            </Tag>
            {state.agent ? (
              <Typography.Text type="secondary" style={{ fontSize: 12, fontVariantNumeric: 'tabular-nums' }} data-testid="softphone-state-timer">
                {formatDuration(secondsSince(state.agent.since, now))}
              </Typography.Text>
            ) : null}
          </Flex>
        }
        extra={
          <Button
            type="text"
            size="small"
            aria-label={collapsed ? t('calls.softphone.expand') : t('calls.softphone.collapse')}
            icon={collapsed ? <UpOutlined /> : <DownOutlined />}
            onClick={toggle}
            data-testid="softphone-toggle"
          />
        }
        styles={{ body: collapsed ? { display: 'none' } : { maxHeight: 'calc(100vh - 160px)', overflowY: 'auto' } }}
      >
        <ModeLine phone={phone} />
        <StateSwitcher phone={phone} now={now} />
        <Divider style={{ margin: '10px 0' }} />
        {state.phase === 'ringing' && state.call ? (
          <OfferView phone={phone} now={now} />
        ) : state.phase === 'talking' && state.call ? (
          <TalkingView phone={phone} now={now} me={me} />
        ) : (
          <Typography.Text type="secondary" data-testid="softphone-idle">
            {agentState === 'available' ? t('calls.softphone.idle') : agentState === 'wrap_up' && state.agent?.wrapUntil ? t('calls.softphone.wrapUpTimer', { seconds: Math.max(0, Math.ceil((Date.parse(state.agent.wrapUntil) - now) / 1000)) }) : t('calls.softphone.notAvailable')}
          </Typography.Text>
        )}
        <Flex justify="flex-end" align="center" gap={6} style={{ marginTop: 10 }}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('calls.softphone.beep')}
          </Typography.Text>
          <Switch
            size="small"
            checked={beep}
            onChange={(on) => {
              setBeep(on);
              setRingToneEnabled(on);
            }}
          />
        </Flex>
      </Card>
      {state.wrapUp ? (
        <WrapUpDialog
          key={state.wrapUp.id}
          callId={state.wrapUp.id}
          caller={state.wrapUp.callerMasked}
          onSave={(code, ready) => phone.wrapUp(state.wrapUp!.id, code, ready)}
          onLater={() => phone.dismissWrapUp(state.wrapUp!.id)}
        />
      ) : null}
    </div>
  );
}

function ModeLine({ phone }: { phone: Softphone }) {
  const { t } = useTranslation();
  if (phone.mode === null) return null;
  let text: ReactNode = t('calls.softphone.simulatorMode');
  let status: 'success' | 'processing' | 'error' | 'default' = 'default';
  if (phone.mode === 'unavailable') {
    text = t('calls.softphone.unavailableMode');
    status = 'error';
  } else if (phone.mode === 'twilio') {
    const device = phone.phone;
    if (device?.status === 'ready') [text, status] = [t('calls.softphone.twilioReady'), 'success'];
    else if (device?.status === 'error') [text, status] = [t('calls.softphone.twilioError', { message: device.message ?? '' }), 'error'];
    else [text, status] = [t('calls.softphone.twilioConnecting'), 'processing'];
  }
  return (
    <div style={{ marginBottom: 8 }} data-testid="softphone-mode" data-mode={phone.mode}>
      <Badge status={status} text={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{text}</Typography.Text>} />
    </div>
  );
}

function StateSwitcher({ phone, now }: { phone: Softphone; now: number }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [breakOpen, setBreakOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const agent = phone.state.agent;
  const current = agent?.state ?? 'offline';
  const locked = current === 'ringing' || current === 'on_call';
  const value = current === 'available' || current === 'break' || current === 'offline' ? current : null;

  const change = async (next: 'available' | 'break' | 'offline', reason?: string) => {
    if (busy) return;
    setBusy(true);
    try {
      // Signing off from wrap-up without a code records 未选择: say so and let the agent choose a code instead.
      if (next === 'offline' && current === 'wrap_up' && !(await confirmSignOff(modal, t, await loadSignOffWarning(), 'offline'))) return;
      await phone.setState(next, reason);
    } catch (error) {
      message.error(errorMessage(error, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Flex vertical gap={6}>
      <Flex align="center" justify="space-between" gap={8}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('calls.softphone.chooseState')}
        </Typography.Text>
        {agent?.reason && current === 'break' ? (
          <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="softphone-break-reason">
            {t(`calls.breakReasons.${agent.reason}`, { defaultValue: agent.reason })} · {t('calls.softphone.stateSince', { time: formatDuration(secondsSince(agent.since, now)) })}
          </Typography.Text>
        ) : null}
        {agent?.reason === 'console_closed' && current === 'offline' ? (
          // Taken off the queue while no console of theirs was open (ACD_CONSOLE_GRACE_SECONDS): say why it is not 示闲 any more.
          <Typography.Text type="warning" style={{ fontSize: 12 }} data-testid="softphone-offline-reason">
            {t('calls.softphone.consoleClosed')}
          </Typography.Text>
        ) : null}
      </Flex>
      <Spin spinning={busy} size="small">
        <Segmented
          block
          disabled={locked || !agent}
          value={value ?? undefined}
          data-testid="state-switcher"
          onChange={(next) => {
            if (next === 'break') setBreakOpen(true);
            else void change(next as 'available' | 'offline');
          }}
          options={(['available', 'break', 'offline'] as const).map((s) => ({
            value: s,
            label: <span data-testid={`state-${s}`}>{t(`calls.state.${s}`)}</span>,
          }))}
        />
      </Spin>
      <BreakDialog
        open={breakOpen}
        onCancel={() => setBreakOpen(false)}
        onConfirm={async (reason) => {
          await change('break', reason);
          setBreakOpen(false);
        }}
      />
    </Flex>
  );
}

function OfferView({ phone, now }: { phone: Softphone; now: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const deskLabel = useDeskLabel();
  const { state } = phone;
  const call = state.call!;
  const left = state.offer ? ringSecondsLeft(state.offer, now) : null;
  const [declining, setDeclining] = useState(false);

  const act = async (fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (error) {
      message.error(errorMessage(error, t));
    }
  };

  return (
    <div data-testid="softphone-offer" data-call-id={call.id}>
      <Flex align="center" gap={12} style={{ marginBottom: 10 }}>
        <div className="softphone-ring-icon">
          <PhoneOutlined />
        </div>
        <Flex vertical style={{ minWidth: 0 }}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {call.direction === 'callback' ? t('calls.softphone.callbackHint') : t('calls.softphone.incoming')}
          </Typography.Text>
          <Typography.Text strong style={{ fontSize: 20, letterSpacing: 1 }} data-testid="offer-caller">
            {call.callerMasked}
          </Typography.Text>
          <Flex gap={4} wrap>
            <Tag>{deskLabel(call.desk)}</Tag>
            {(state.screenPop?.repeatCaller ?? call.repeatCaller) ? (
              <Tag color="volcano" data-testid="offer-repeat">
                {t('calls.screenPop.repeat')}
              </Tag>
            ) : null}
          </Flex>
        </Flex>
      </Flex>
      {left !== null ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="offer-countdown">
          {t('calls.softphone.ringsFor', { seconds: left })}
        </Typography.Text>
      ) : null}
      <Flex gap={8} style={{ margin: '10px 0 12px' }}>
        <Button type="primary" block icon={<PhoneOutlined />} loading={state.answering} onClick={() => void act(phone.answer)} data-testid="offer-answer" style={{ background: '#16a34a' }}>
          {state.answering ? t('calls.softphone.answering') : t('calls.softphone.answer')}
        </Button>
        <Button
          danger
          block
          loading={declining}
          disabled={state.answering}
          data-testid="offer-decline"
          onClick={() => {
            setDeclining(true);
            void act(phone.decline).finally(() => setDeclining(false));
          }}
        >
          {t('calls.softphone.decline')}
        </Button>
      </Flex>
      <ScreenPop call={call} pop={state.screenPop} />
    </div>
  );
}

function TalkingView({ phone, now, me }: { phone: Softphone; now: number; me: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const deskLabel = useDeskLabel();
  const { state } = phone;
  const call = state.call!;
  const [dialog, setDialog] = useState<'transfer' | 'conference' | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  const talkFrom = state.agent?.state === 'on_call' ? state.agent.since : call.answeredAt;

  const act = async (key: string, fn: () => Promise<unknown>) => {
    setPending(key);
    try {
      await fn();
    } catch (error) {
      message.error(errorMessage(error, t));
    } finally {
      setPending(null);
    }
  };

  return (
    <div data-testid="softphone-talking" data-call-id={call.id}>
      <Flex align="center" justify="space-between" gap={8}>
        <Flex vertical style={{ minWidth: 0 }}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('calls.softphone.talking')} · {deskLabel(call.desk)}
          </Typography.Text>
          <Typography.Text strong style={{ fontSize: 18 }} data-testid="talking-caller">
            {call.callerMasked}
          </Typography.Text>
        </Flex>
        <Flex vertical align="flex-end">
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('calls.softphone.callTimer')}
          </Typography.Text>
          <Typography.Text strong style={{ fontSize: 18, fontVariantNumeric: 'tabular-nums' }} data-testid="call-timer">
            {formatDuration(secondsSince(talkFrom, now))}
          </Typography.Text>
        </Flex>
      </Flex>
      <Flex gap={4} wrap style={{ margin: '6px 0' }}>
        {state.held ? (
          <Tag color="orange" data-testid="call-held-tag">
            {t('calls.softphone.callerOnHold')}
            {state.call?.heldSince ? ` ${formatDuration(secondsSince(state.call.heldSince, now))}` : ''}
          </Tag>
        ) : null}
        {state.muted ? <Tag color="red">{t('calls.softphone.muted')}</Tag> : null}
      </Flex>
      {state.warmPending ? (
        <Flex vertical gap={6} style={{ marginBottom: 8 }}>
          <Typography.Text type="warning" style={{ fontSize: 12 }}>
            {t('calls.softphone.warmPending')}
          </Typography.Text>
          <Button type="primary" loading={pending === 'complete'} onClick={() => void act('complete', phone.completeTransfer)} data-testid="call-complete-transfer">
            {t('calls.softphone.completeTransfer')}
          </Button>
        </Flex>
      ) : null}
      <div className="softphone-controls">
        <Button
          icon={state.held ? <PlayCircleOutlined /> : <PauseCircleOutlined />}
          loading={pending === 'hold'}
          onClick={() => void act('hold', () => phone.hold(!state.held))}
          data-testid="call-hold"
        >
          {state.held ? t('calls.softphone.resume') : t('calls.softphone.hold')}
        </Button>
        <Button
          icon={state.muted ? <AudioOutlined /> : <AudioMutedOutlined />}
          loading={pending === 'mute'}
          onClick={() => void act('mute', () => phone.mute(!state.muted))}
          data-testid="call-mute"
        >
          {state.muted ? t('calls.softphone.unmute') : t('calls.softphone.mute')}
        </Button>
        <Button icon={<SwapOutlined />} onClick={() => setDialog('transfer')} data-testid="call-transfer">
          {t('calls.softphone.transfer')}
        </Button>
        <Button icon={<TeamOutlined />} onClick={() => setDialog('conference')} data-testid="call-conference">
          {t('calls.softphone.conference')}
        </Button>
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', margin: '8px 0 4px' }}>
        {t('calls.softphone.emergency')}
      </Typography.Text>
      <div className="softphone-emergency">
        {EMERGENCY.map((number) => (
          <Popconfirm
            key={number}
            title={t('calls.softphone.emergencyConfirm', { number, name: t(`calls.softphone.emergencyNames.${number}`) })}
            onConfirm={() => act(`e${number}`, () => phone.emergency(number))}
            okButtonProps={{ danger: true }}
          >
            <Tooltip title={t(`calls.softphone.emergencyNames.${number}`)}>
              <Button danger loading={pending === `e${number}`} data-testid={`call-emergency-${number}`}>
                {number}
              </Button>
            </Tooltip>
          </Popconfirm>
        ))}
      </div>
      <Popconfirm title={t('calls.softphone.hangupConfirm')} onConfirm={() => act('hangup', phone.hangup)} okButtonProps={{ danger: true, 'data-testid': 'call-hangup-confirm' } as never}>
        <Button danger type="primary" block icon={<PhoneOutlined rotate={135} />} loading={pending === 'hangup'} style={{ margin: '10px 0' }} data-testid="call-hangup">
          {t('calls.softphone.hangup')}
        </Button>
      </Popconfirm>
      <ScreenPop call={call} pop={state.screenPop} />
      <TransferDialog open={dialog === 'transfer'} me={me} onCancel={() => setDialog(null)} onTransfer={async (mode, to) => {
        await phone.transfer(mode, to);
        setDialog(null);
      }} />
      <ConferenceDialog open={dialog === 'conference'} onCancel={() => setDialog(null)} onAdd={async (departmentId) => {
        const added = await phone.conference(departmentId);
        setDialog(null);
        return added;
      }} />
    </div>
  );
}

/** The stored fold choice: true folded, false unfolded, null never chosen. */
function readCollapsed(): boolean | null {
  try {
    const stored = globalThis.localStorage?.getItem(COLLAPSED_KEY);
    return stored === '1' ? true : stored === '0' ? false : null;
  } catch {
    return null;
  }
}

function writeCollapsed(value: boolean): void {
  try {
    globalThis.localStorage?.setItem(COLLAPSED_KEY, value ? '1' : '0');
  } catch {
    // Not remembered; the panel still folds now.
  }
}
