/**
 * 话后小结编码 (admins): the codes agents choose after each call. Add, rename, reorder, retire or restore;
 * codes are never deleted (calls keep theirs) and the platform's 未选择 cannot be retired. Every change is
 * audited by the server.
 */
import { useState } from 'react';
import { App, Button, Card, Form, Input, InputNumber, Modal, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useApiQuery } from '../../lib/use-api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import { forgetWrapUpCodes, type WrapUpCode } from './use-wrap-up-codes.ts';

type Draft = { code: string; labelZh: string; labelEn: string; sortOrder: number };

export default function WrapUpCodesPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const query = useApiQuery<{ items: WrapUpCode[] }>('/api/wrap-up-codes', { all: 'true' });
  const [editing, setEditing] = useState<WrapUpCode | 'new' | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [form] = Form.useForm<Draft>();

  const changed = () => {
    forgetWrapUpCodes();
    query.reload();
  };

  const setActive = async (row: WrapUpCode, active: boolean) => {
    setBusy(row.code);
    try {
      await api.request(`/api/wrap-up-codes/${row.code}`, { method: 'PATCH', body: { active } });
      message.success(t('wrapUp.saved'));
      changed();
    } catch (error) {
      message.error(errorMessage(error, t));
    } finally {
      setBusy(null);
    }
  };

  const open = (row: WrapUpCode | 'new') => {
    setEditing(row);
    form.setFieldsValue(row === 'new' ? { code: '', labelZh: '', labelEn: '', sortOrder: 100 } : { code: row.code, labelZh: row.label['zh-CN'], labelEn: row.label.en, sortOrder: row.sortOrder });
  };

  const save = async () => {
    const draft = await form.validateFields();
    setBusy('form');
    try {
      const label = { 'zh-CN': draft.labelZh, en: draft.labelEn };
      if (editing === 'new') await api.request('/api/wrap-up-codes', { method: 'POST', body: { code: draft.code, label, sortOrder: draft.sortOrder } });
      else if (editing) await api.request(`/api/wrap-up-codes/${editing.code}`, { method: 'PATCH', body: { label, sortOrder: draft.sortOrder } });
      message.success(t('wrapUp.saved'));
      setEditing(null);
      changed();
    } catch (error) {
      message.error(errorMessage(error, t));
    } finally {
      setBusy(null);
    }
  };

  const columns: TableColumnsType<WrapUpCode> = [
    { title: t('wrapUp.sortOrder'), dataIndex: 'sortOrder', width: 80 },
    { title: t('wrapUp.code'), dataIndex: 'code', width: 180, render: (c: string) => <Typography.Text code>{c}</Typography.Text> },
    { title: t('wrapUp.labelZh'), key: 'zh', render: (_: unknown, row) => row.label['zh-CN'] },
    { title: t('wrapUp.labelEn'), key: 'en', render: (_: unknown, row) => row.label.en },
    {
      title: t('wrapUp.status'),
      key: 'status',
      width: 160,
      render: (_: unknown, row) => (
        <Space size={4}>
          <Tag color={row.active ? 'green' : 'default'}>{row.active ? t('wrapUp.active') : t('wrapUp.inactive')}</Tag>
          {row.system ? <Tag color="purple">{t('wrapUp.system')}</Tag> : null}
        </Space>
      ),
    },
    { title: t('wrapUp.updatedAt'), dataIndex: 'updatedAt', width: 180, render: (at: string) => formatDateTime(at, i18n.language) },
    {
      title: '',
      key: 'actions',
      width: 160,
      render: (_: unknown, row) => (
        <Space size={4}>
          <Button size="small" onClick={() => open(row)} data-testid={`wrap-up-edit-${row.code}`}>
            {t('wrapUp.edit')}
          </Button>
          {row.system ? null : (
            <Button size="small" danger={row.active} loading={busy === row.code} onClick={() => void setActive(row, !row.active)} data-testid={`wrap-up-toggle-${row.code}`} data-active={String(row.active)}>
              {row.active ? t('wrapUp.retire') : t('wrapUp.restore')}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Card>
      <PageTitle title={t('wrapUp.title')} />
      <Typography.Paragraph type="secondary">{t('wrapUp.description')}</Typography.Paragraph>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} style={{ marginBottom: 12 }} data-testid="wrap-up-add">
        {t('wrapUp.add')}
      </Button>
      {query.error ? <LoadError error={query.error} onRetry={query.reload} /> : null}
      <Table<WrapUpCode> rowKey="code" size="small" columns={columns} dataSource={query.data?.items ?? []} loading={query.loading} pagination={false} data-testid="wrap-up-codes-table" />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('wrapUp.add') : t('wrapUp.edit')}
        okText={t('wrapUp.save')}
        cancelText={t('wrapUp.cancel')}
        confirmLoading={busy === 'form'}
        onCancel={() => setEditing(null)}
        onOk={() => void save()}
        okButtonProps={{ 'data-testid': 'wrap-up-save' } as never}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <Form.Item name="code" label={t('wrapUp.code')} extra={t('wrapUp.codeHelp')} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{1,39}$/, message: t('wrapUp.codeHelp') }]}>
            <Input disabled={editing !== 'new'} data-testid="wrap-up-code-input" />
          </Form.Item>
          <Form.Item name="labelZh" label={t('wrapUp.labelZh')} rules={[{ required: true, max: 40 }]}>
            <Input data-testid="wrap-up-label-zh" />
          </Form.Item>
          <Form.Item name="labelEn" label={t('wrapUp.labelEn')} rules={[{ required: true, max: 80 }]}>
            <Input data-testid="wrap-up-label-en" />
          </Form.Item>
          <Form.Item name="sortOrder" label={t('wrapUp.sortOrder')} rules={[{ required: true }]}>
            <InputNumber min={0} max={10000} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
