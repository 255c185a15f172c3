/** 回访策略 (admin): which tickets are surveyed, when, how often and by which channel. */
import { useEffect, useState } from 'react';
import { App, Button, Card, Checkbox, Form, InputNumber, Radio, Select, Space, Switch, TimePicker } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../lib/api.ts';
import { useApiQuery } from '../../lib/use-api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';

const TYPES = ['complaint', 'report', 'help', 'consult', 'suggestion', 'praise'] as const;

type Policy = {
  sampleRates: Record<(typeof TYPES)[number], number>;
  delayWorkingDays: number;
  callingHours: { from: string; to: string };
  callingDays: 'working' | 'every';
  maxCallAttempts: number;
  attemptSpacingMinutes: number;
  channels: Array<'phone' | 'sms'>;
  smsLinkValidHours: number;
  postCallRating: boolean;
  recordComment: boolean;
};

type FormValues = Omit<Policy, 'callingHours' | 'sampleRates' | 'channels'> & {
  hours: [Dayjs, Dayjs];
  percents: Record<string, number>;
  channelOrder: 'phone,sms' | 'sms,phone' | 'phone' | 'sms';
};

export default function SurveyPolicyPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [busy, setBusy] = useState(false);
  const query = useApiQuery<{ policy: Policy }>('/api/surveys/policy');

  useEffect(() => {
    const p = query.data?.policy;
    if (!p) return;
    form.setFieldsValue({
      ...p,
      hours: [dayjs(p.callingHours.from, 'HH:mm'), dayjs(p.callingHours.to === '24:00' ? '23:59' : p.callingHours.to, 'HH:mm')],
      percents: Object.fromEntries(TYPES.map((k) => [k, Math.round(p.sampleRates[k] * 100)])),
      channelOrder: p.channels.join(',') as FormValues['channelOrder'],
    });
  }, [query.data, form]);

  const save = async (v: FormValues) => {
    const policy: Policy = {
      sampleRates: Object.fromEntries(TYPES.map((k) => [k, (v.percents[k] ?? 0) / 100])) as Policy['sampleRates'],
      delayWorkingDays: v.delayWorkingDays,
      callingHours: { from: v.hours[0].format('HH:mm'), to: v.hours[1].format('HH:mm') === '23:59' ? '24:00' : v.hours[1].format('HH:mm') },
      callingDays: v.callingDays,
      maxCallAttempts: v.maxCallAttempts,
      attemptSpacingMinutes: v.attemptSpacingMinutes,
      channels: v.channelOrder.split(',') as Policy['channels'],
      smsLinkValidHours: v.smsLinkValidHours,
      postCallRating: v.postCallRating,
      recordComment: v.recordComment,
    };
    setBusy(true);
    try {
      await api.request('/api/surveys/policy', { method: 'PUT', body: policy });
      message.success(t('surveys.policy.saved'));
      query.reload();
    } catch (error) {
      message.error(errorMessage(error, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="survey-policy-page">
      <PageTitle title={t('surveys.policy.title')} description={t('surveys.policy.description')} />
      {query.error ? <LoadError error={query.error} onRetry={query.reload} /> : null}
      <Card loading={query.loading && !query.data}>
        <Form form={form} layout="vertical" onFinish={save} style={{ maxWidth: 640 }}>
          <Form.Item label={t('surveys.policy.sampleRates')}>
            <Space wrap>
              {TYPES.map((k) => (
                <Form.Item key={k} name={['percents', k]} label={t(`surveys.policy.types.${k}`)} style={{ marginBottom: 0 }}>
                  <InputNumber min={0} max={100} addonAfter="%" />
                </Form.Item>
              ))}
            </Space>
          </Form.Item>
          <Form.Item name="delayWorkingDays" label={t('surveys.policy.delayWorkingDays')}>
            <InputNumber min={0} max={10} />
          </Form.Item>
          <Form.Item name="hours" label={t('surveys.policy.callingHours')}>
            <TimePicker.RangePicker format="HH:mm" minuteStep={5} allowClear={false} />
          </Form.Item>
          <Form.Item name="callingDays" label={t('surveys.policy.callingDays')}>
            <Radio.Group options={[{ value: 'working', label: t('surveys.policy.callingDaysWorking') }, { value: 'every', label: t('surveys.policy.callingDaysEvery') }]} />
          </Form.Item>
          <Space size="large" wrap>
            <Form.Item name="maxCallAttempts" label={t('surveys.policy.maxCallAttempts')}>
              <InputNumber min={0} max={10} />
            </Form.Item>
            <Form.Item name="attemptSpacingMinutes" label={t('surveys.policy.attemptSpacingMinutes')}>
              <InputNumber min={0} max={1440} />
            </Form.Item>
            <Form.Item name="smsLinkValidHours" label={t('surveys.policy.smsLinkValidHours')}>
              <InputNumber min={1} max={720} />
            </Form.Item>
          </Space>
          <Form.Item name="channelOrder" label={t('surveys.policy.channels')}>
            <Select
              style={{ maxWidth: 280 }}
              options={[
                { value: 'phone,sms', label: `${t('surveys.channel.phone')} → ${t('surveys.channel.sms')}` },
                { value: 'sms,phone', label: `${t('surveys.channel.sms')} → ${t('surveys.channel.phone')}` },
                { value: 'phone', label: t('surveys.channel.phone') },
                { value: 'sms', label: t('surveys.channel.sms') },
              ]}
            />
          </Form.Item>
          <Form.Item name="postCallRating" label={t('surveys.policy.postCallRating')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="recordComment" valuePropName="checked">
            <Checkbox>{t('surveys.policy.recordComment')}</Checkbox>
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="survey-policy-save">
            {t('surveys.policy.save')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
