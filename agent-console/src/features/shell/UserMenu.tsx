/**
 * The signed-in user in the header: name, role, 工号 and department, with sign-out in its menu. An agent with call
 * work open (on a call, or in wrap-up without a code) is warned first and asked to confirm.
 */
import { App, Avatar, Dropdown, Grid, Space, Tag, Typography } from 'antd';
import { DownOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../lib/api.ts';
import { signOut } from '../auth/session.ts';
import { confirmSignOff, loadSignOffWarning } from '../softphone/sign-off-confirm.tsx';

export function UserMenu({ user }: { user: SessionUser }) {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const { modal } = App.useApp();
  // One check (and one warning) at a time, however often the item is clicked meanwhile.
  const checking = useRef(false);
  const signOutChecked = async () => {
    if (checking.current) return;
    checking.current = true;
    try {
      const warning = user.abilities['calls.answer'] === true ? await loadSignOffWarning() : null;
      if (await confirmSignOff(modal, t, warning, 'signOut')) await signOut();
    } finally {
      checking.current = false;
    }
  };
  const roleLabel = t(`roles.${user.role}`);
  const department = user.department?.name ?? t('shell.noDepartment');
  const details = [user.employeeNo ? `${t('shell.employeeNo')} ${user.employeeNo}` : null, department].filter(Boolean).join(' · ');

  return (
    <Dropdown
      trigger={['click']}
      placement="bottomRight"
      menu={{
        items: [
          {
            key: 'who',
            disabled: true,
            style: { cursor: 'default' },
            label: (
              <div data-testid="user-menu-details" style={{ minWidth: 200, color: 'rgba(0,0,0,0.88)' }}>
                <Typography.Text strong>{user.displayName}</Typography.Text>
                <Typography.Text type="secondary"> ({user.username})</Typography.Text>
                <div>
                  <Tag color="blue" style={{ marginTop: 4 }}>
                    {roleLabel}
                  </Tag>
                </div>
                {user.employeeNo ? (
                  <div>
                    {t('shell.employeeNo')}：<span data-testid="user-employee-no">{user.employeeNo}</span>
                  </div>
                ) : null}
                <div>
                  {t('shell.department')}：<span data-testid="user-department">{department}</span>
                </div>
              </div>
            ),
          },
          { type: 'divider' },
          {
            key: 'sign-out',
            icon: <LogoutOutlined />,
            danger: true,
            label: <span data-testid="user-menu-signout">{t('shell.signOut')}</span>,
            onClick: () => void signOutChecked(),
          },
        ],
      }}
    >
      <button
        type="button"
        data-testid="user-menu"
        aria-haspopup="menu"
        style={{
          display: 'flex',
          alignItems: 'center',
          gap: 8,
          background: 'transparent',
          border: 0,
          color: '#ffffff',
          cursor: 'pointer',
          padding: '4px 0',
          lineHeight: 1.3,
          textAlign: 'left',
        }}
      >
        <Avatar size="small" style={{ background: '#ffffff', color: '#1e3a8a', flex: 'none' }} icon={user.displayName ? undefined : <UserOutlined />}>
          {user.displayName.slice(0, 1)}
        </Avatar>
        <span style={{ display: screens.sm ? 'flex' : 'none', flexDirection: 'column', whiteSpace: 'nowrap' }}>
          <Space size={6}>
            <span data-testid="user-display-name" style={{ fontWeight: 600 }}>
              {user.displayName}
            </span>
            <Tag data-testid="user-role" data-role={user.role} color="gold" style={{ marginInlineEnd: 0 }} variant="filled">
              {roleLabel}
            </Tag>
          </Space>
          {screens.md ? <span style={{ fontSize: 12, opacity: 0.8 }}>{details}</span> : null}
        </span>
        <DownOutlined style={{ fontSize: 10, opacity: 0.8 }} />
      </button>
    </Dropdown>
  );
}
