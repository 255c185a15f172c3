/** The softphone's dialogs: break reason, transfer (agent or desk, warm or cold), conference a department, wrap-up code. */
import { useEffect, useMemo, useState } from 'react';
import { App, Checkbox, Form, Modal, Radio, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../lib/api.ts';
import { useDesks } from '../calls/desks.ts';
import type { TransferTarget } from './use-softphone.ts';
import { useWrapUpCodes } from '../wrap-up/use-wrap-up-codes.ts';

export const BREAK_REASONS = ['rest', 'meal', 'training', 'meeting', 'coaching'] as const;

/** Picks a break reason, then calls `onConfirm` with it. */
export function BreakDialog({ open, onCancel, onConfirm }: { open: boolean; onCancel: () => void; onConfirm: (reason: string) => Promise<void> }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState<string>('rest');
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      open={open}
      title={t('calls.softphone.breakReason')}
      okText={t('calls.softphone.breakConfirm')}
      confirmLoading={busy}
      onCancel={onCancel}
      onOk={async () => {
        setBusy(true);
        try {
          await onConfirm(reason);
        } finally {
          setBusy(false);
        }
      }}
      okButtonProps={{ 'data-testid': 'break-confirm' } as never}
      destroyOnHidden
    >
      <Radio.Group value={reason} onChange={(e) => setReason(e.target.value as string)} data-testid="break-reasons">
        {BREAK_REASONS.map((r) => (
          <Radio.Button key={r} value={r}>
            {t(`calls.breakReasons.${r}`)}
          </Radio.Button>
        ))}
      </Radio.Group>
    </Modal>
  );
}

type DirectoryUser = { id: string; displayName: string; employeeNo: string | null; role: string; active: boolean; skills: { skill: string }[] };
type Department = { id: string; name: string; contactPhone: string | null; active: boolean };

export function TransferDialog({ open, me, onCancel, onTransfer }: { open: boolean; me: string; onCancel: () => void; onTransfer: (mode: 'cold' | 'warm', to: TransferTarget) => Promise<void> }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const desks = useDesks();
  const [users, setUsers] = useState<DirectoryUser[]>([]);
  const [mode, setMode] = useState<'cold' | 'warm'>('cold');
  const [kind, setKind] = useState<'agent' | 'desk'>('desk');
  const [agentId, setAgentId] = useState<string | undefined>(undefined);
  const [desk, setDesk] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!open) return;
    api.request<{ items: DirectoryUser[] }>('/api/directory/users').then(
      (answer) => setUsers(answer.items),
      () => setUsers([]),
    );
  }, [open]);
  const agents = useMemo(() => users.filter((u) => u.active && u.id !== me && (u.role === 'agent' || u.role === 'supervisor') && u.skills.length > 0), [users, me]);
  const ready = kind === 'agent' ? Boolean(agentId) : Boolean(desk);

  return (
    <Modal
      open={open}
      title={t('calls.transfer.title')}
      okText={t('calls.transfer.submit')}
      okButtonProps={{ disabled: !ready, 'data-testid': 'transfer-submit' } as never}
      confirmLoading={busy}
      onCancel={onCancel}
      destroyOnHidden
      onOk={async () => {
        const to: TransferTarget | null = kind === 'agent' && agentId ? { kind: 'agent', agentId } : kind === 'desk' && desk ? { kind: 'desk', desk } : null;
        if (!to) return;
        setBusy(true);
        try {
          await onTransfer(mode, to);
          message.success(t('calls.transfer.started'));
        } catch (error) {
          message.error(errorMessage(error, t));
        } finally {
          setBusy(false);
        }
      }}
    >
      <Form layout="vertical">
        <Form.Item label={t('calls.transfer.mode')}>
          <Radio.Group value={mode} onChange={(e) => setMode(e.target.value as 'cold' | 'warm')}>
            <Radio value="cold">{t('calls.transfer.cold')}</Radio>
            <Radio value="warm">{t('calls.transfer.warm')}</Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item label={t('calls.transfer.target')}>
          <Radio.Group value={kind} onChange={(e) => setKind(e.target.value as 'agent' | 'desk')} optionType="button">
            <Radio value="desk">{t('calls.transfer.desk')}</Radio>
            <Radio value="agent">{t('calls.transfer.agent')}</Radio>
          </Radio.Group>
        </Form.Item>
        {kind === 'agent' ? (
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('calls.transfer.chooseAgent')}
            value={agentId}
            onChange={setAgentId}
            style={{ width: '100%' }}
            data-testid="transfer-agent"
            options={agents.map((u) => ({ value: u.id, label: `${u.displayName}${u.employeeNo ? ` (${u.employeeNo})` : ''}` }))}
          />
        ) : (
          <Select
            placeholder={t('calls.transfer.chooseDesk')}
            value={desk}
            onChange={setDesk}
            style={{ width: '100%' }}
            data-testid="transfer-desk"
            options={desks.map((d) => ({ value: d.code, label: i18n.language === 'en' ? d.nameEn : d.nameZh }))}
          />
        )}
      </Form>
    </Modal>
  );
}

export function ConferenceDialog({ open, onCancel, onAdd }: { open: boolean; onCancel: () => void; onAdd: (departmentId: string) => Promise<{ department: { name: string } }> }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [departments, setDepartments] = useState<Department[]>([]);
  const [departmentId, setDepartmentId] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!open) return;
    api.request<{ items: Department[] }>('/api/directory/departments').then(
      (answer) => setDepartments(answer.items.filter((d) => d.active)),
      () => setDepartments([]),
    );
  }, [open]);
  return (
    <Modal
      open={open}
      title={t('calls.conference.title')}
      okText={t('calls.conference.submit')}
      okButtonProps={{ disabled: !departmentId, 'data-testid': 'conference-submit' } as never}
      confirmLoading={busy}
      onCancel={onCancel}
      destroyOnHidden
      onOk={async () => {
        if (!departmentId) return;
        setBusy(true);
        try {
          const added = await onAdd(departmentId);
          message.success(t('calls.conference.added', { name: added.department.name }));
        } catch (error) {
          message.error(errorMessage(error, t));
        } finally {
          setBusy(false);
        }
      }}
    >
      <Typography.Paragraph type="secondary">{t('calls.conference.chooseDepartment')}</Typography.Paragraph>
      <Select
        showSearch={{ optionFilterProp: 'label' }}
        value={departmentId}
        onChange={setDepartmentId}
        style={{ width: '100%' }}
        data-testid="conference-department"
        placeholder={t('calls.conference.department')}
        options={departments.map((d) => ({
          value: d.id,
          disabled: !d.contactPhone,
          label: `${d.name}${d.contactPhone ? ` · ${d.contactPhone}` : ` · ${t('calls.conference.noPhone')}`}`,
        }))}
      />
    </Modal>
  );
}

/**
 * The wrap-up code after a call, from the admins' list (话后小结编码); "ready" ends the wrap-up time at once.
 * The server refuses to leave wrap-up without one, and records 未选择 when the wrap-up time runs out.
 */
export function WrapUpDialog({ callId, caller, onSave, onLater }: { callId: string; caller: string; onSave: (code: string, ready: boolean) => Promise<void>; onLater: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const codes = useWrapUpCodes();
  const [code, setCode] = useState<string | undefined>(undefined);
  const [ready, setReady] = useState(true);
  const [busy, setBusy] = useState(false);
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  return (
    <Modal
      open
      title={`${t('calls.wrapUp.title')} · ${caller}`}
      okText={t('calls.wrapUp.submit')}
      cancelText={t('calls.wrapUp.later')}
      okButtonProps={{ disabled: !code, 'data-testid': 'wrap-up-submit' } as never}
      confirmLoading={busy}
      onCancel={onLater}
      maskClosable={false}
      key={callId}
      onOk={async () => {
        if (!code) return;
        setBusy(true);
        try {
          await onSave(code, ready);
          message.success(t('calls.wrapUp.saved'));
        } catch (error) {
          message.error(errorMessage(error, t));
        } finally {
          setBusy(false);
        }
      }}
    >
      <div data-testid="wrap-up-dialog">
      <Typography.Paragraph type="secondary">{t('calls.wrapUp.chooseCode')}</Typography.Paragraph>
      {codes.error ? <Typography.Text type="danger">{t('wrapUp.loadFailed')}：{errorMessage(codes.error, t)}</Typography.Text> : null}
      <Radio.Group value={code} onChange={(e) => setCode(e.target.value as string)} style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }} data-testid="wrap-up-codes">
        {codes.choosable.map((c) => (
          <Radio.Button key={c.code} value={c.code}>
            <span data-testid={`wrap-up-code-${c.code}`}>{c.label[language]}</span>
          </Radio.Button>
        ))}
      </Radio.Group>
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, fontSize: 12 }} data-testid="wrap-up-required">
        {t('wrapUp.required')}
      </Typography.Paragraph>
      <Checkbox checked={ready} onChange={(e) => setReady(e.target.checked)}>
        {t('calls.wrapUp.ready')}
      </Checkbox>
      </div>
    </Modal>
  );
}
