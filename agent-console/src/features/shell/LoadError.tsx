/** The error banner a page shows when its data did not load, with the server's message and a retry. */
import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage } from '../../lib/api.ts';

export function LoadError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation();
  const errorId = error instanceof ApiError ? error.errorId : undefined;
  return (
    <Alert
      type="error"
      showIcon
      data-testid="load-error"
      title={t('errors.loadFailed')}
      description={
        <>
          {errorMessage(error, t)}
          {errorId ? <div>{t('errors.errorId', { id: errorId })}</div> : null}
        </>
      }
      action={
        <Button size="small" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      }
      style={{ marginBottom: 16 }}
    />
  );
}
