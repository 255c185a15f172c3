/** The ticket page at `/tickets/:id`: the ticket view under a back link to the list. */
import { Button, Flex } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { NotFoundPage } from '../shell/StatusPages.tsx';
import { TicketView } from './TicketView.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default function TicketPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id = '' } = useParams();
  if (!UUID.test(id)) return <NotFoundPage />;
  return (
    <Flex vertical gap={12} data-testid="ticket-page">
      <div>
        <Button type="link" icon={<ArrowLeftOutlined />} style={{ paddingInline: 0 }} onClick={() => (window.history.length > 1 ? navigate(-1) : navigate('/tickets'))}>
          {t('tickets.detail.back')}
        </Button>
      </div>
      <TicketView key={id} id={id} />
    </Flex>
  );
}
