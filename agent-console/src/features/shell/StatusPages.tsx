/** 403 and 404 pages inside the shell. */
import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';

export function ForbiddenPage() {
  const { t } = useTranslation();
  return (
    <Result
      status="403"
      title={t('errors.forbiddenTitle')}
      subTitle={t('errors.forbidden')}
      extra={<BackHome label={t('errors.backHome')} />}
      data-testid="page-forbidden"
    />
  );
}

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Result
      status="404"
      title={t('errors.notFoundTitle')}
      subTitle={t('errors.notFound')}
      extra={<BackHome label={t('errors.backHome')} />}
      data-testid="page-not-found"
    />
  );
}

function BackHome({ label }: { label: string }) {
  return (
    <Link to="/">
      <Button type="primary">{label}</Button>
    </Link>
  );
}
