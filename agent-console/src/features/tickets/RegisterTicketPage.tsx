/**
 * 受理登记: the agent records the caller's request and decides what happens next — queue it for dispatch,
 * dispatch it now (lead suggested by the category), resolve it on the call, transfer it to 110/119/120/122,
 * or inform the caller it is out of scope. Opened from a call as `/tickets/new?callId=…&phone=…`, the call is
 * linked and the caller's number filled in. Knowledge-base answers for the text appear alongside; one click
 * copies an answer into the resolution.
 */
import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, Cascader, Checkbox, Col, Flex, Form, Input, Radio, Row, Select } from 'antd';
import { PhoneOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { currentLanguage } from '../../i18n/index.ts';
import { api, errorMessage } from '../../lib/api.ts';
import { useSession } from '../auth/session.ts';
import { KnowledgeSuggestions } from '../knowledge/KnowledgeSuggestions.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import { DispatchFields, toDispatchInput } from './DispatchDialog.tsx';
import { dispatchableDepartments, useCatalogue, useDepartments } from './parts.tsx';
import { CHANNELS, EMERGENCY_NUMBERS, TICKET_TYPES, URGENCIES, type Category, type Channel, type DispatchInput, type TicketDetail, type TicketType, type Urgency } from './types.ts';

const DISPOSITIONS = ['pending_dispatch', 'dispatch', 'resolveOnCall', 'transfer', 'inform', 'draft'] as const;
type Disposition = (typeof DISPOSITIONS)[number];
/** What the server accepts as a phone number (tickets.schema.ts). */
const DIALABLE = /^\+?[\d\s-]{3,20}$/;

type FormValues = {
  channel: Channel;
  type: TicketType;
  urgency: Urgency;
  category?: string[];
  title: string;
  description: string;
  address?: string;
  district?: string;
  callerName?: string;
  callerPhone?: string;
  smsDeclined: boolean;
  confidential: boolean;
  /** 效能投诉: the department whose own conduct the complaint is about (complaints only). */
  conductComplaintAgainst?: string;
  disposition: Disposition;
  dispatch?: Partial<DispatchInput>;
  resolution?: string;
  transferredTo?: string;
};

type CascaderOption = { value: string; label: string; children?: CascaderOption[] };

function toOptions(items: Category[], english: boolean): CascaderOption[] {
  return items.map((c) => ({
    value: c.id,
    label: english ? c.nameEn : c.name,
    ...(c.children.length ? { children: toOptions(c.children, english) } : {}),
  }));
}

export default function RegisterTicketPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const session = useSession();
  const [form] = Form.useForm<FormValues>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const catalogue = useCatalogue();
  const english = currentLanguage() === 'en';
  const options = useMemo(() => toOptions(catalogue, english), [catalogue, english]);

  const callId = params.get('callId')?.trim() || null;
  const phoneParam = params.get('phone')?.trim() || undefined;
  // Call pages only hold the masked number (138****8000): show it, but only a dialable number fills the field.
  const prefilledPhone = phoneParam && DIALABLE.test(phoneParam) ? phoneParam : undefined;
  const maskedPhone = phoneParam && !prefilledPhone ? phoneParam : undefined;
  const categoryId = (Form.useWatch('category', form) as string[] | undefined)?.at(-1) ?? null;
  const disposition = (Form.useWatch('disposition', form) as Disposition | undefined) ?? 'pending_dispatch';
  const isComplaint = Form.useWatch('type', form) === 'complaint';
  const departments = useDepartments();
  const title = (Form.useWatch('title', form) as string | undefined) ?? '';
  const description = (Form.useWatch('description', form) as string | undefined) ?? '';
  const text = `${title} ${description}`.trim();
  const canSuggest = session.user?.abilities['knowledge.search'] === true;

  const initialValues: Partial<FormValues> = {
    channel: 'phone',
    type: 'consult',
    urgency: 'normal',
    smsDeclined: false,
    confidential: false,
    disposition: 'pending_dispatch',
    dispatch: { assistDepartmentIds: [], complex: false },
    ...(prefilledPhone ? { callerPhone: prefilledPhone } : {}),
  };

  const submit = async (values: FormValues) => {
    setBusy(true);
    setFailure(null);
    const optional = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);
    const body = {
      channel: values.channel,
      type: values.type,
      urgency: values.urgency,
      categoryId: values.category?.at(-1),
      title: values.title.trim(),
      description: values.description.trim(),
      address: optional(values.address),
      district: optional(values.district),
      caller: { name: optional(values.callerName), phone: optional(values.callerPhone), smsDeclined: values.smsDeclined === true },
      confidential: values.confidential === true,
      ...(values.type === 'complaint' && values.conductComplaintAgainst ? { conductComplaintAgainst: values.conductComplaintAgainst } : {}),
      callIds: callId ? [callId] : [],
      disposition: values.disposition,
      ...(values.disposition === 'dispatch' ? { dispatch: toDispatchInput(values.dispatch) } : {}),
      ...(values.disposition === 'resolveOnCall' || values.disposition === 'inform' || values.disposition === 'transfer' ? { resolution: optional(values.resolution) } : {}),
      ...(values.disposition === 'transfer' ? { transferredTo: values.transferredTo } : {}),
    };
    try {
      const ticket = await api.request<TicketDetail>('/api/tickets', { method: 'POST', body });
      void message.success(t('tickets.register.registered', { number: ticket.number }));
      navigate(`/tickets/${ticket.id}`);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  const required = (field: string) => [{ required: true, whitespace: true, message: t('tickets.register.required', { field }) }];
  const atLeastTwo = (field: string) => [...required(field), { min: 2, message: t('tickets.register.tooShort', { field }) }];

  return (
    <div data-testid="ticket-register-page">
      <PageTitle title={t('tickets.register.title')} description={t('tickets.register.description')} />
      {callId ? (
        <Alert type="info" showIcon icon={<PhoneOutlined />} title={t('tickets.register.fromCall', { callId })} style={{ marginBottom: 16 }} data-testid="register-from-call" />
      ) : null}
      {failure ? <Alert type="error" showIcon title={errorMessage(failure, t)} style={{ marginBottom: 16 }} data-testid="register-error" /> : null}
      <Form<FormValues> form={form} layout="vertical" initialValues={initialValues} onFinish={(v) => void submit(v)} data-testid="register-form">
        <Row gutter={16}>
          <Col xs={24} xl={16}>
            <Card title={t('tickets.register.basics')} style={{ marginBottom: 16 }}>
              <Row gutter={16}>
                <Col xs={24} md={14}>
                  <Form.Item name="type" label={t('tickets.field.type')} rules={required(t('tickets.field.type'))}>
                    <Radio.Group optionType="button" buttonStyle="solid" data-testid="register-type">
                      {TICKET_TYPES.map((type) => (
                        <Radio.Button key={type} value={type} data-testid={`register-type-${type}`}>
                          {t(`tickets.type.${type}`)}
                        </Radio.Button>
                      ))}
                    </Radio.Group>
                  </Form.Item>
                </Col>
                <Col xs={24} md={10}>
                  <Form.Item name="urgency" label={t('tickets.field.urgency')}>
                    <Radio.Group optionType="button" data-testid="register-urgency">
                      {URGENCIES.map((u) => (
                        <Radio.Button key={u} value={u} data-testid={`register-urgency-${u}`}>
                          {t(`tickets.urgency.${u}`)}
                        </Radio.Button>
                      ))}
                    </Radio.Group>
                  </Form.Item>
                </Col>
                <Col xs={24} md={14}>
                  <Form.Item name="category" label={t('tickets.field.category')}>
                    <Cascader
                      options={options}
                      placeholder={t('tickets.register.categoryPlaceholder')}
                      showSearch
                      changeOnSelect={false}
                      data-testid="register-category"
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={10}>
                  <Form.Item name="channel" label={t('tickets.field.channel')}>
                    <Select options={CHANNELS.map((c) => ({ value: c, label: t(`tickets.channel.${c}`) }))} data-testid="register-channel" />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="title" label={t('tickets.field.title')} rules={atLeastTwo(t('tickets.field.title'))}>
                <Input maxLength={100} placeholder={t('tickets.register.titlePlaceholder')} data-testid="register-title" />
              </Form.Item>
              <Form.Item name="description" label={t('tickets.field.description')} rules={atLeastTwo(t('tickets.field.description'))}>
                <Input.TextArea rows={4} maxLength={5000} showCount placeholder={t('tickets.register.descriptionPlaceholder')} data-testid="register-description" />
              </Form.Item>
              <Row gutter={16}>
                <Col xs={24} md={16}>
                  <Form.Item name="address" label={t('tickets.field.address')}>
                    <Input maxLength={200} placeholder={t('tickets.register.addressPlaceholder')} data-testid="register-address" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item name="district" label={t('tickets.field.district')}>
                    <Input maxLength={50} data-testid="register-district" />
                  </Form.Item>
                </Col>
              </Row>
            </Card>

            <Card title={t('tickets.register.callerSection')} style={{ marginBottom: 16 }}>
              <Row gutter={16}>
                <Col xs={24} md={10}>
                  <Form.Item name="callerName" label={t('tickets.field.callerName')}>
                    <Input maxLength={50} data-testid="register-caller-name" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={14}>
                  <Form.Item name="callerPhone" label={t('tickets.field.callerPhone')} extra={maskedPhone ? t('tickets.register.maskedPhoneHint', { phone: maskedPhone }) : undefined}>
                    <Input maxLength={20} inputMode="tel" data-testid="register-caller-phone" />
                  </Form.Item>
                </Col>
              </Row>
              <Flex gap={24} wrap>
                <Form.Item name="smsDeclined" valuePropName="checked" style={{ marginBottom: 0 }}>
                  <Checkbox data-testid="register-sms-declined">{t('tickets.field.smsDeclined')}</Checkbox>
                </Form.Item>
                <Form.Item name="confidential" valuePropName="checked" style={{ marginBottom: 0 }} extra={t('tickets.register.confidentialHint')}>
                  <Checkbox data-testid="register-confidential">{t('tickets.field.confidential')}</Checkbox>
                </Form.Item>
              </Flex>
              {isComplaint ? (
                <Form.Item name="conductComplaintAgainst" label={t('tickets.field.conductComplaintAgainst')} extra={t('tickets.register.conductComplaintHint')} style={{ marginTop: 16, marginBottom: 0 }}>
                  <Select
                    allowClear
                    showSearch={{ optionFilterProp: 'label' }}
                    placeholder={t('tickets.register.conductComplaintPlaceholder')}
                    options={dispatchableDepartments(departments).map((d) => ({ value: d.id, label: d.name }))}
                    data-testid="register-conduct-complaint"
                  />
                </Form.Item>
              ) : null}
            </Card>

            <Card title={t('tickets.register.dispositionSection')} style={{ marginBottom: 16 }}>
              <Form.Item name="disposition">
                <Radio.Group data-testid="register-disposition">
                  {DISPOSITIONS.map((d) => (
                    <Radio key={d} value={d} data-testid={`register-disposition-${d}`}>
                      {t(`tickets.register.dispositions.${d}`)}
                    </Radio>
                  ))}
                </Radio.Group>
              </Form.Item>
              {disposition === 'dispatch' ? <DispatchFields prefix={['dispatch']} categoryId={categoryId} text={text} /> : null}
              {disposition === 'transfer' ? (
                <Form.Item name="transferredTo" label={t('tickets.form.transferredTo')} rules={required(t('tickets.form.transferredTo'))}>
                  <Radio.Group optionType="button" options={EMERGENCY_NUMBERS.map((n) => ({ value: n, label: n }))} data-testid="register-transferred-to" />
                </Form.Item>
              ) : null}
              {disposition === 'resolveOnCall' || disposition === 'inform' || disposition === 'transfer' ? (
                <Form.Item
                  name="resolution"
                  label={t('tickets.field.resolution')}
                  rules={disposition === 'transfer' ? [] : required(t('tickets.field.resolution'))}
                >
                  <Input.TextArea rows={3} maxLength={2000} placeholder={t('tickets.register.resolutionPlaceholder')} data-testid="register-resolution" />
                </Form.Item>
              ) : null}
              <Flex gap={8}>
                <Button type="primary" htmlType="submit" loading={busy} data-testid="register-submit">
                  {t('tickets.register.submit')}
                </Button>
                <Button onClick={() => form.resetFields()}>{t('tickets.register.reset')}</Button>
              </Flex>
            </Card>
          </Col>
          <Col xs={24} xl={8}>
            {canSuggest ? (
              <KnowledgeSuggestions
                text={text}
                onUse={(s) => {
                  form.setFieldsValue({ resolution: s.answer, ...(disposition === 'resolveOnCall' || disposition === 'inform' ? {} : { disposition: 'resolveOnCall' }) });
                  void message.info(t('tickets.register.useAnswer'));
                }}
              />
            ) : null}
          </Col>
        </Row>
      </Form>
    </div>
  );
}

