/**
 * 派单: one lead (主办) and any assisting (协办) departments. The lead is suggested twice over: by the
 * category's default department in the dispatch catalogue, and by the department of the best knowledge-base
 * answer for the request text (`POST /api/knowledge/suggest`). The catalogue's suggestion is filled in when
 * nothing is chosen yet; either can be taken with one click.
 */
import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Checkbox, Flex, Form, Input, Modal, Select } from 'antd';
import { BulbOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../lib/api.ts';
import { dispatchableDepartments, findCategory, useCatalogue, useDepartments } from './parts.tsx';
import type { DispatchInput, KbSuggestion } from './types.ts';

type NamePath = string | (string | number)[];

function fieldName(prefix: string[] | undefined, name: string): NamePath {
  return prefix ? [...prefix, name] : name;
}

/** The knowledge base's department for this text, by code; null while typing or when it has none. */
function useKnowledgeDepartment(text: string): string | null {
  const [code, setCode] = useState<string | null>(null);
  useEffect(() => {
    if (text.trim().length < 4) {
      setCode(null);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api
        .request<{ items: KbSuggestion[] }>('/api/knowledge/suggest', { method: 'POST', body: { text }, signal: controller.signal })
        .then((r) => setCode(r.items.find((s) => s.departmentCode)?.departmentCode ?? null))
        .catch(() => {
          // A hint, not a requirement: without the knowledge base the catalogue's suggestion remains.
        });
    }, 400);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text]);
  return code;
}

/**
 * The dispatch fields inside an enclosing antd Form (registration embeds them under `dispatch`; the dialog
 * below uses them at the top level).
 */
export function DispatchFields({ prefix, categoryId, text }: { prefix?: string[]; categoryId: string | null | undefined; text: string }) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const catalogue = useCatalogue();
  const departments = dispatchableDepartments(useDepartments());
  const kbCode = useKnowledgeDepartment(text);
  const leadName = fieldName(prefix, 'leadDepartmentId');
  const lead = Form.useWatch(leadName, form) as string | undefined;

  const byCatalogue = findCategory(catalogue, categoryId)?.defaultDepartment ?? null;
  const byKnowledge = useMemo(() => departments.find((d) => d.code === kbCode) ?? null, [departments, kbCode]);
  const options = useMemo(() => departments.map((d) => ({ value: d.id, label: d.name })), [departments]);

  useEffect(() => {
    if (byCatalogue && !form.getFieldValue(leadName)) form.setFieldValue(leadName, byCatalogue.id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [byCatalogue?.id]);

  const hint = (key: 'suggestedByCatalogue' | 'suggestedByKnowledge', d: { id: string; name: string }, testId: string) => (
    <Alert
      type="info"
      showIcon
      icon={<BulbOutlined />}
      style={{ padding: '4px 12px' }}
      data-testid={testId}
      data-department={d.id}
      title={t(`tickets.dispatch.${key}`, { name: d.name })}
      action={
        lead === d.id ? null : (
          <Button size="small" type="link" onClick={() => form.setFieldValue(leadName, d.id)} data-testid={`${testId}-use`}>
            {t('tickets.dispatch.use')}
          </Button>
        )
      }
    />
  );

  return (
    <>
      {byCatalogue || byKnowledge ? (
        <Flex vertical gap={6} style={{ marginBottom: 12 }}>
          {byCatalogue ? hint('suggestedByCatalogue', byCatalogue, 'dispatch-suggestion') : null}
          {byKnowledge && byKnowledge.id !== byCatalogue?.id ? hint('suggestedByKnowledge', byKnowledge, 'dispatch-kb-suggestion') : null}
        </Flex>
      ) : null}
      <Form.Item name={leadName} label={t('tickets.dispatch.lead')} rules={[{ required: true, message: t('tickets.dispatch.leadRequired') }]}>
        <Select options={options} showSearch={{ optionFilterProp: 'label' }} placeholder={t('tickets.dispatch.leadPlaceholder')} data-testid="dispatch-lead" />
      </Form.Item>
      <Form.Item name={fieldName(prefix, 'assistDepartmentIds')} label={t('tickets.dispatch.assists')}>
        <Select
          mode="multiple"
          options={options.filter((o) => o.value !== lead)}
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('tickets.dispatch.assistsPlaceholder')}
          data-testid="dispatch-assists"
        />
      </Form.Item>
      <Form.Item name={fieldName(prefix, 'complex')} valuePropName="checked">
        <Checkbox data-testid="dispatch-complex">{t('tickets.dispatch.complex')}</Checkbox>
      </Form.Item>
      <Form.Item name={fieldName(prefix, 'note')} label={t('tickets.dispatch.note')}>
        <Input.TextArea rows={2} maxLength={2000} data-testid="dispatch-note" />
      </Form.Item>
    </>
  );
}

/** Turns the form's dispatch values into the API body (drops an empty note, never sends the lead as assist). */
export function toDispatchInput(values: Partial<DispatchInput> | undefined): DispatchInput {
  const lead = values?.leadDepartmentId ?? '';
  const note = values?.note?.trim();
  return {
    leadDepartmentId: lead,
    assistDepartmentIds: (values?.assistDepartmentIds ?? []).filter((id) => id !== lead),
    complex: values?.complex === true,
    ...(note ? { note } : {}),
  };
}

/** The dispatch dialog for a ticket waiting for dispatch (or a return being re-dispatched). */
export function DispatchDialog({
  open,
  categoryId,
  text,
  onDispatch,
  onClose,
}: {
  open: boolean;
  categoryId: string | null | undefined;
  text: string;
  onDispatch: (input: DispatchInput) => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<DispatchInput>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);

  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    setFailure(null);
    try {
      await onDispatch(toDispatchInput(values));
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
      title={t('tickets.dispatch.title')}
      okText={t('tickets.dispatch.submit')}
      cancelText={t('tickets.actions.cancel')}
      okButtonProps={{ loading: busy, ...({ 'data-testid': 'dispatch-submit' } as object) }}
      onOk={() => void submit().catch(() => undefined)}
      onCancel={onClose}
      destroyOnHidden
      width={560}
    >
      <div data-testid="dispatch-dialog">
        {failure ? <Alert type="error" showIcon title={errorMessage(failure, t)} style={{ marginBottom: 12 }} data-testid="action-error" /> : null}
        <Form form={form} layout="vertical" preserve={false} initialValues={{ assistDepartmentIds: [], complex: false }}>
          <DispatchFields categoryId={categoryId} text={text} />
        </Form>
      </div>
    </Modal>
  );
}
