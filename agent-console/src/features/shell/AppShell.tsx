/**
 * The signed-in frame: a header with the brand, the live-connection indicator, the language switch and
 * the user menu, and a side navigation built from the navigation table filtered by the user's abilities.
 * Below the `lg` breakpoint the navigation moves into a drawer opened from the header.
 */
import { useMemo, useState } from 'react';
import { Button, Drawer, Flex, Grid, Layout, Menu, Typography } from 'antd';
import { MenuOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router-dom';
import type { SessionUser } from '../../lib/api.ts';
import { BrandMark } from './BrandMark.tsx';
import { ConnectionIndicator } from './ConnectionIndicator.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { UserMenu } from './UserMenu.tsx';
import { NotificationBell } from '../tickets/NotificationBell.tsx';
import { navigationTestId, visibleNavigation, type NavigationItem } from './navigation.ts';
import { SoftphoneDock } from '../softphone/SoftphoneDock.tsx';

const { Header, Sider, Content } = Layout;

export function AppShell({ user }: { user: SessionUser }) {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const location = useLocation();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const items = useMemo(() => visibleNavigation(user.abilities), [user.abilities]);
  const wide = screens.lg === true;

  const menu = (
    <Menu
      mode="inline"
      data-testid="side-navigation"
      selectedKeys={[selectedPath(items, location.pathname)]}
      onClick={() => setDrawerOpen(false)}
      style={{ borderInlineEnd: 0 }}
      items={items.map((item) => ({
        key: item.path,
        icon: <item.icon />,
        label: (
          <Link to={item.path} data-testid={navigationTestId(item)}>
            {t(item.labelKey)}
          </Link>
        ),
      }))}
    />
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Header style={{ display: 'flex', alignItems: 'center', gap: 12, position: 'sticky', top: 0, zIndex: 20 }}>
        {wide ? null : (
          <Button
            type="text"
            aria-label={t('shell.openMenu')}
            data-testid="nav-drawer-toggle"
            icon={<MenuOutlined style={{ color: '#ffffff' }} />}
            onClick={() => setDrawerOpen(true)}
          />
        )}
        <Link to="/" style={{ display: 'flex', alignItems: 'center', gap: 10, color: '#ffffff', minWidth: 0, flex: screens.sm ? undefined : 'none' }}>
          <BrandMark size={30} />
          <Flex vertical style={{ lineHeight: 1.2, minWidth: 0 }}>
            <Typography.Text strong ellipsis={screens.sm === true} style={{ color: '#ffffff', fontSize: 16, whiteSpace: 'nowrap' }}>
              {screens.sm ? t('app.name') : t('app.shortName')}
            </Typography.Text>
            {screens.md ? <span style={{ color: 'rgba(255,255,255,0.75)', fontSize: 12 }}>{t('app.console')}</span> : null}
          </Flex>
        </Link>
        <div style={{ flex: 1 }} />
        <Flex align="center" gap={screens.md ? 16 : 8}>
          <ConnectionIndicator onDark />
          {screens.sm ? <LanguageSwitch /> : null}
          <NotificationBell abilities={user.abilities} />
          <UserMenu user={user} />
        </Flex>
      </Header>
      <Layout>
        {wide ? (
          <Sider
            width={216}
            style={{ borderInlineEnd: '1px solid #e5e7eb', position: 'sticky', top: 56, height: 'calc(100vh - 56px)', overflowY: 'auto' }}
          >
            <div style={{ paddingTop: 8 }}>{menu}</div>
          </Sider>
        ) : (
          <Drawer
            placement="left"
            open={drawerOpen}
            onClose={() => setDrawerOpen(false)}
            size={260}
            title={t('app.console')}
            extra={<LanguageSwitch />}
            styles={{ body: { padding: 0 } }}
          >
            {menu}
          </Drawer>
        )}
        <Content style={{ padding: screens.md ? 24 : 12, minWidth: 0 }}>
          <Outlet />
          <SoftphoneDock user={user} />
        </Content>
      </Layout>
    </Layout>
  );
}

/** The menu entry for the current page: the longest path the location starts with ('/' only exactly). */
function selectedPath(items: NavigationItem[], pathname: string): string {
  let best = '';
  for (const item of items) {
    const matches = item.path === '/' ? pathname === '/' : pathname === item.path || pathname.startsWith(`${item.path}/`);
    if (matches && item.path.length > best.length) best = item.path;
  }
  return best;
}
