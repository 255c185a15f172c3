/** Catches a render crash so one broken page shows a message and a reload button instead of a blank screen. */
import { Component, type ReactNode } from 'react';
import { Button, Result } from 'antd';
import { i18next } from '../../i18n/index.ts';

type Props = { children: ReactNode };
type State = { failed: boolean };

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { failed: false };

  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  override componentDidCatch(error: unknown): void {
    console.error('console page crashed', error);
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <Result
        status="error"
        title={i18next.t('errors.crashed')}
        extra={
          <Button type="primary" onClick={() => window.location.reload()}>
            {i18next.t('common.refresh')}
          </Button>
        }
      />
    );
  }
}
