/** The "刷新" button pages put beside their title: reloads what the page shows, spinning while it loads. */
import { Button } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';

export function RefreshButton({ onClick, loading }: { onClick: () => void; loading?: boolean }) {
  const { t } = useTranslation();
  return (
    <Button icon={<ReloadOutlined />} onClick={onClick} loading={loading}>
      {t('common.refresh')}
    </Button>
  );
}
