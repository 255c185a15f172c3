/**
 * The sign-in page: 12345 branding, username and password, the server's error message (wrong password,
 * locked out after repeated failures…), the language switch, and in demo mode the demo accounts the
 * server lists, which fill the form when clicked.
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Flex, Form, Input, Tag, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage } from '../../lib/api.ts';
import { BrandMark } from '../shell/BrandMark.tsx';
import { LanguageSwitch } from '../shell/LanguageSwitch.tsx';
import { fetchDemoAccounts, type DemoAccounts } from './demo-accounts.ts';
import { dismissNotice, signIn, useSession, type SessionNotice } from './session.ts';

type Credentials = { username: string; password: string };

export function SignInPage() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const [form] = Form.useForm<Credentials>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<{ message: string; code: string | null } | null>(null);
  const [demo, setDemo] = useState<DemoAccounts | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    void fetchDemoAccounts(controller.signal).then((result) => {
      if (!controller.signal.aborted) setDemo(result);
    });
    return () => controller.abort();
  }, [i18n.language]);

  async function submit(values: Credentials): Promise<void> {
    setSubmitting(true);
    setError(null);
    dismissNotice();
    try {
      await signIn(values.username.trim(), values.password);
      // The session store switches to signedIn; the router leaves this page.
    } catch (failure) {
      setError({ message: errorMessage(failure, t), code: failure instanceof ApiError ? failure.code : null });
      setSubmitting(false);
    }
  }

  function fillDemo(username: string): void {
    form.setFieldsValue(demo?.password ? { username, password: demo.password } : { username });
    setError(null);
  }

  const notice = session.status === 'signedOut' ? session.notice : null;

  return (
    <div
      style={{
        minHeight: '100vh',
        display: 'flex',
        flexDirection: 'column',
        background: 'linear-gradient(180deg, #1e3a8a 0, #1d4ed8 300px, #f3f5f9 300px)',
      }}
    >
      <Flex justify="flex-end" style={{ padding: 16 }}>
        <LanguageSwitch size="middle" />
      </Flex>
      <Flex vertical align="center" style={{ flex: 1, padding: '0 16px 32px' }}>
        <Flex align="center" gap={14} style={{ marginBottom: 24, color: '#ffffff' }}>
          <BrandMark size={52} />
          <div>
            <Typography.Title level={2} style={{ color: '#ffffff', margin: 0, letterSpacing: 1 }} data-testid="app-title">
              {t('app.name')}
            </Typography.Title>
            <Typography.Text style={{ color: 'rgba(255,255,255,0.85)' }}>
              {t('app.console')} · {t('app.slogan')}
            </Typography.Text>
          </div>
        </Flex>

        <Card style={{ width: '100%', maxWidth: 420, boxShadow: '0 12px 32px rgba(15, 23, 42, 0.12)' }} data-testid="login-card">
          <Typography.Title level={4} style={{ marginTop: 0 }}>
            {t('auth.title')}
          </Typography.Title>

          {notice ? <NoticeAlert notice={notice} onClose={dismissNotice} /> : null}
          {error ? (
            <Alert
              type="error"
              showIcon
              data-testid="login-error"
              data-code={error.code ?? undefined}
              title={error.message}
              style={{ marginBottom: 16 }}
            />
          ) : null}

          <Form<Credentials>
            form={form}
            layout="vertical"
            requiredMark={false}
            onFinish={(values) => void submit(values)}
            onValuesChange={() => error && setError(null)}
            data-testid="login-form"
          >
            <Form.Item
              name="username"
              label={t('auth.username')}
              rules={[{ required: true, whitespace: true, message: t('auth.usernameRequired') }]}
            >
              <Input
                data-testid="login-username"
                prefix={<UserOutlined />}
                placeholder={t('auth.usernamePlaceholder')}
                autoComplete="username"
                autoFocus
                size="large"
              />
            </Form.Item>
            <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, message: t('auth.passwordRequired') }]}>
              <Input.Password
                data-testid="login-password"
                prefix={<LockOutlined />}
                placeholder={t('auth.passwordPlaceholder')}
                autoComplete="current-password"
                size="large"
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" block size="large" loading={submitting} data-testid="login-submit">
              {t('auth.submit')}
            </Button>
          </Form>

          {demo ? <DemoAccountList demo={demo} onPick={fillDemo} /> : null}
        </Card>

        <Typography.Text type="secondary" style={{ marginTop: 24, textAlign: 'center', fontSize: 12 }}>
          {t('auth.notice')}
        </Typography.Text>
      </Flex>
    </div>
  );
}

function NoticeAlert({ notice, onClose }: { notice: SessionNotice; onClose: () => void }) {
  const { t } = useTranslation();
  const title = notice.kind === 'expired' ? t('auth.sessionExpired') : notice.kind === 'signedOut' ? t('auth.signedOut') : t('auth.unreachable');
  return (
    <Alert
      type={notice.kind === 'signedOut' ? 'success' : 'warning'}
      showIcon
      closable={{ onClose }}
      data-testid="login-notice"
      data-kind={notice.kind}
      title={title}
      description={notice.detail && notice.detail !== title ? notice.detail : undefined}
      style={{ marginBottom: 16 }}
    />
  );
}

function DemoAccountList({ demo, onPick }: { demo: DemoAccounts; onPick: (username: string) => void }) {
  const { t } = useTranslation();
  return (
    <div data-testid="demo-accounts" style={{ marginTop: 20, paddingTop: 16, borderTop: '1px dashed #d9d9d9' }}>
      <Typography.Text strong>{t('auth.demoTitle')}</Typography.Text>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '4px 0 8px' }}>
        {demo.password ? t('auth.demoHint', { password: demo.password }) : t('auth.demoHintNoPassword')}
      </Typography.Paragraph>
      <Flex wrap gap={6} style={{ maxHeight: 180, overflowY: 'auto' }}>
        {demo.accounts.map((account) => (
          <Tag.CheckableTag
            key={account.username}
            checked={false}
            data-testid={`demo-account-${account.username}`}
            onChange={() => onPick(account.username)}
            style={{ border: '1px solid #d0d7e6', marginInlineEnd: 0, padding: '2px 8px' }}
          >
            <span style={{ fontWeight: 600 }}>{account.username}</span>
            <span style={{ opacity: 0.7 }}>
              {' '}
              · {account.displayName} · {t(`roles.${account.role}`, { defaultValue: account.role })}
            </span>
          </Tag.CheckableTag>
        ))}
      </Flex>
    </div>
  );
}
