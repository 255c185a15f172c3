/** 已连接 / 正在重连 / 已断开: the state of the live socket.io connection, green / orange / red. */
import { Badge, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { useConnectionState, type ConnectionState } from '../../lib/socket.ts';

const BADGE_STATUS: Record<ConnectionState, 'success' | 'warning' | 'error'> = {
  connected: 'success',
  reconnecting: 'warning',
  disconnected: 'error',
};

/**
 * Shows the connection state; `data-state` carries the machine-readable value for browser tests. The
 * header's copy keeps the `connection-indicator` test id; other copies pass their own.
 */
export function ConnectionIndicator({ onDark = false, testId = 'connection-indicator' }: { onDark?: boolean; testId?: string }) {
  const { t } = useTranslation();
  const state = useConnectionState();
  return (
    <Tooltip title={t('connection.hint')}>
      <span
        data-testid={testId}
        data-state={state}
        role="status"
        aria-live="polite"
        style={{
          display: 'inline-flex',
          alignItems: 'center',
          padding: '0 10px',
          height: 26,
          borderRadius: 13,
          background: onDark ? 'rgba(255,255,255,0.12)' : 'rgba(0,0,0,0.04)',
          whiteSpace: 'nowrap',
        }}
      >
        <Badge
          status={BADGE_STATUS[state]}
          text={<span style={{ color: onDark ? '#ffffff' : undefined }}>{t(`connection.${state}`)}</span>}
        />
      </span>
    </Tooltip>
  );
}
