/**
 * The console's frame: Ant Design locale and theme for the chosen language, then the routes. Signed-out
 * users see the sign-in page; signed-in users see the shell with the pages their abilities open.
 */
import { Suspense } from 'react';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { antdLocales } from './antd-locales.ts';
import { currentLanguage } from './i18n/index.ts';
import { theme } from './theme.ts';
import { useSession, type SessionNotice } from './features/auth/session.ts';
import { SignInPage } from './features/auth/SignInPage.tsx';
import { AppShell } from './features/shell/AppShell.tsx';
import { ErrorBoundary } from './features/shell/ErrorBoundary.tsx';
import { ForbiddenPage, NotFoundPage } from './features/shell/StatusPages.tsx';
import { canOpen, NAVIGATION, type NavigationItem } from './features/shell/navigation.ts';

/** Root component: providers and routes. */
export function App() {
  useTranslation(); // re-render on a language switch
  return (
    <ConfigProvider locale={antdLocales[currentLanguage()]} theme={theme}>
      <AntApp>
        <ErrorBoundary>
          <BrowserRouter>
            <AppRoutes />
          </BrowserRouter>
        </ErrorBoundary>
      </AntApp>
    </ConfigProvider>
  );
}

type ReturnState = { from?: string } | null;

function AppRoutes() {
  const session = useSession();
  const location = useLocation();
  const { t } = useTranslation();

  if (session.status === 'restoring') return <FullPageSpin tip={t('auth.restoring')} />;

  const from = (location.state as ReturnState)?.from;
  const user = session.status === 'signedIn' ? session.user : null;
  return (
    <Routes>
      <Route path="/login" element={user ? <Navigate to={from ?? '/'} replace /> : <SignInPage />} />
      <Route
        element={
          user ? (
            <AppShell user={user} />
          ) : (
            <Navigate to="/login" replace state={returnState(session.notice, `${location.pathname}${location.search}`)} />
          )
        }
      >
        {NAVIGATION.map((item) => (
          <Route key={item.path} path={item.path} element={<GuardedPage item={item} abilities={user?.abilities ?? {}} />} />
        ))}
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

/** Come back to the page after signing in again, unless the user chose to sign out (the next one may be someone else). */
function returnState(notice: SessionNotice | null, path: string): ReturnState {
  return notice?.kind === 'signedOut' || path === '/' ? null : { from: path };
}

function GuardedPage({ item, abilities }: { item: NavigationItem; abilities: Record<string, boolean> }) {
  if (!canOpen(item, abilities)) return <ForbiddenPage />;
  const Page = item.page;
  return (
    <Suspense fallback={<FullPageSpin />}>
      <Page />
    </Suspense>
  );
}

function FullPageSpin({ tip }: { tip?: string }) {
  return (
    <div style={{ minHeight: '60vh', display: 'grid', placeItems: 'center' }} data-testid="page-loading">
      <Spin size="large" description={tip}>
        <div style={{ width: 120, height: 80 }} />
      </Spin>
    </div>
  );
}
