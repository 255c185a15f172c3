/** A ticket opened beside a queue (review queues, supervision board, department inbox) without leaving it. */
import { Button, Drawer, Grid } from 'antd';
import { ExportOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ticketPath } from './paths.ts';
import { TicketView } from './TicketView.tsx';
import type { TicketDetail } from './types.ts';

export function TicketDrawer({ id, onClose, onChanged }: { id: string | null; onClose: () => void; onChanged?: (ticket: TicketDetail) => void }) {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      size={screens.xl ? 1100 : screens.md ? '85%' : '100%'}
      title={t('tickets.nav.detail')}
      destroyOnHidden
      extra={
        id ? (
          <Link to={ticketPath(id)}>
            <Button type="link" icon={<ExportOutlined />}>
              {t('tickets.detail.openPage')}
            </Button>
          </Link>
        ) : null
      }
    >
      {id ? <TicketView key={id} id={id} {...(onChanged ? { onChanged } : {})} /> : null}
    </Drawer>
  );
}
