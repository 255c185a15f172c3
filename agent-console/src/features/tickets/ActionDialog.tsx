/**
 * One dialog for every lifecycle action that needs input (a reason, a note, a date, a choice). The caller
 * describes the fields; the dialog validates required ones, turns dates into ISO instants, calls `onSubmit`
 * and stays open with the server's message when the action is refused (a 409 says what is allowed now).
 */
import { useState } from 'react';
import { Alert, Checkbox, DatePicker, Form, Input, Modal, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Dayjs } from 'dayjs';
import { errorMessage } from '../../lib/api.ts';

export type FieldSpec =
  | { name: string; kind: 'textarea'; label: string; required?: boolean; min?: number; placeholder?: string }
  | { name: string; kind: 'select'; label: string; required?: boolean; multiple?: boolean; options: { value: string; label: string }[]; placeholder?: string }
  | { name: string; kind: 'datetime'; label: string; required?: boolean }
  | { name: string; kind: 'checkbox'; label: string };

export type ActionDialogProps = {
  open: boolean;
  title: string;
  fields: FieldSpec[];
  initialValues?: Record<string, unknown>;
  okText?: string;
  danger?: boolean;
  /** Extra content above the fields (what is being decided). */
  intro?: React.ReactNode;
  onSubmit: (values: Record<string, unknown>) => Promise<void>;
  onClose: () => void;
};

export function ActionDialog({ open, title, fields, initialValues, okText, danger, intro, onSubmit, onClose }: ActionDialogProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Record<string, unknown>>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);

  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    setFailure(null);
    try {
      await onSubmit(cleanValues(values, fields));
      onClose();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={title}
      okText={okText ?? t('tickets.actions.confirm')}
      cancelText={t('tickets.actions.cancel')}
      okButtonProps={{ danger: danger === true, loading: busy, ...({ 'data-testid': 'action-submit' } as object) }}
      onOk={() => void submit().catch(() => undefined)}
      onCancel={onClose}
      destroyOnHidden
      afterOpenChange={(visible) => {
        if (!visible) setFailure(null);
      }}
    >
      <div data-testid="action-dialog">
        {intro}
        {failure ? <Alert type="error" showIcon title={errorMessage(failure, t)} style={{ marginBottom: 12 }} data-testid="action-error" /> : null}
        <Form form={form} layout="vertical" initialValues={initialValues} preserve={false}>
          {fields.map((field) => (
            <FieldInput key={field.name} field={field} />
          ))}
        </Form>
      </div>
    </Modal>
  );
}

function FieldInput({ field }: { field: FieldSpec }) {
  const { t } = useTranslation();
  const testId = `action-field-${field.name}`;
  const required = 'required' in field && field.required === true;
  const rules = required ? [{ required: true, message: t('tickets.form.required', { field: field.label }) }] : [];
  switch (field.kind) {
    case 'textarea':
      return (
        <Form.Item
          name={field.name}
          label={field.label}
          rules={[...rules, ...(field.min ? [{ min: field.min, message: t('tickets.register.tooShort', { field: field.label }) }] : [])]}
        >
          <Input.TextArea rows={3} maxLength={field.name === 'reply' ? 5000 : 2000} placeholder={field.placeholder} data-testid={testId} />
        </Form.Item>
      );
    case 'select':
      return (
        <Form.Item name={field.name} label={field.label} rules={rules}>
          <Select
            mode={field.multiple ? 'multiple' : undefined}
            options={field.options}
            placeholder={field.placeholder}
            allowClear={!required}
            showSearch={{ optionFilterProp: 'label' }}
            data-testid={testId}
          />
        </Form.Item>
      );
    case 'datetime':
      return (
        <Form.Item name={field.name} label={field.label} rules={rules}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} data-testid={testId} />
        </Form.Item>
      );
    case 'checkbox':
      return (
        <Form.Item name={field.name} valuePropName="checked">
          <Checkbox data-testid={testId}>{field.label}</Checkbox>
        </Form.Item>
      );
  }
}

/** Drops empty optional values (the server's zod treats "" as given) and turns dates into ISO instants. */
function cleanValues(values: Record<string, unknown>, fields: FieldSpec[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (value === undefined || value === null || value === '') continue;
    if (field.kind === 'datetime') out[field.name] = (value as Dayjs).toDate().toISOString();
    else if (typeof value === 'string') out[field.name] = value.trim();
    else out[field.name] = value;
  }
  return out;
}
