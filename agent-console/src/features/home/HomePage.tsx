/**
 * The welcome page every signed-in user lands on: who you are (name, role, 工号, department, skills),
 * what your role is for, and the modules the server's abilities open for you, as shortcuts.
 */
import { Card, Col, Descriptions, Empty, Flex, Row, Tag, Typography } from 'antd';
import { RightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { currentLanguage } from '../../i18n/index.ts';
import { formatLongDate } from '../../lib/format.ts';
import { useSession } from '../auth/session.ts';
import { ConnectionIndicator } from '../shell/ConnectionIndicator.tsx';
import { navigationTestId, visibleNavigation } from '../shell/navigation.ts';
import { BRAND_BLUE, BRAND_DEEP } from '../../theme.ts';
import { useDeskLabel } from '../calls/desks.ts';

export default function HomePage() {
  const { t } = useTranslation();
  const deskLabel = useDeskLabel();
  const session = useSession();
  if (session.status !== 'signedIn') return null;
  const { user } = session;
  const now = new Date();
  const hour = now.getHours();
  const greetingKey = hour < 12 ? 'home.greetingMorning' : hour < 18 ? 'home.greetingAfternoon' : 'home.greetingEvening';
  const modules = visibleNavigation(user.abilities).filter((item) => item.descriptionKey);

  return (
    <Flex vertical gap={16} data-testid="home-page" data-role={user.role}>
      <Card
        variant="borderless"
        style={{ background: `linear-gradient(120deg, ${BRAND_DEEP}, ${BRAND_BLUE})`, color: '#ffffff' }}
        styles={{ body: { padding: 24 } }}
      >
        <Typography.Title level={3} style={{ color: '#ffffff', margin: 0 }} data-testid="home-greeting">
          {t(greetingKey, { name: user.displayName })}
        </Typography.Title>
        <Typography.Paragraph style={{ color: 'rgba(255,255,255,0.85)', margin: '6px 0 12px' }}>
          {t('home.today', { date: formatLongDate(now, currentLanguage()) })}
        </Typography.Paragraph>
        <Flex gap={8} align="center" wrap>
          <Tag color="gold" variant="solid">
            {t(`roles.${user.role}`)}
          </Tag>
          <Typography.Text style={{ color: '#ffffff' }}>{t(`roleDuties.${user.role}`)}</Typography.Text>
        </Flex>
      </Card>

      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10}>
          <Card title={t('home.identity')} style={{ height: '100%' }} extra={<ConnectionIndicator testId="home-connection" />}>
            <Descriptions column={1} size="small" data-testid="home-identity">
              <Descriptions.Item label={t('home.username')}>{user.username}</Descriptions.Item>
              <Descriptions.Item label={t('home.employeeNo')}>{user.employeeNo ?? t('common.none')}</Descriptions.Item>
              <Descriptions.Item label={t('home.role')}>{t(`roles.${user.role}`)}</Descriptions.Item>
              <Descriptions.Item label={t('home.department')}>{user.department?.name ?? t('shell.noDepartment')}</Descriptions.Item>
              <Descriptions.Item label={t('home.skills')}>
                {user.skills.length === 0 ? (
                  t('home.noSkills')
                ) : (
                  <Flex wrap gap={4}>
                    {user.skills.map((skill) => (
                      <Tag key={skill.skill} color="blue">
                        {deskLabel(skill.skill)} · {t('skills.level', { level: skill.level })}
                      </Tag>
                    ))}
                  </Flex>
                )}
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card title={t('home.capabilities')} style={{ height: '100%' }}>
            {modules.length === 0 ? (
              <Empty description={t('home.nothingYet')} />
            ) : (
              <Row gutter={[12, 12]}>
                {modules.map((item) => (
                  <Col key={item.path} xs={24} sm={12}>
                    <Link to={item.path} data-testid={`home-${navigationTestId(item)}`}>
                      <Card hoverable size="small">
                        <Flex align="center" gap={12}>
                          <span style={{ fontSize: 22, color: BRAND_BLUE }}>
                            <item.icon />
                          </span>
                          <Flex vertical style={{ flex: 1, minWidth: 0 }}>
                            <Typography.Text strong>{t(item.labelKey)}</Typography.Text>
                            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                              {item.descriptionKey ? t(item.descriptionKey) : null}
                            </Typography.Text>
                          </Flex>
                          <RightOutlined style={{ color: '#9ca3af' }} />
                        </Flex>
                      </Card>
                    </Link>
                  </Col>
                ))}
              </Row>
            )}
          </Card>
        </Col>
      </Row>
    </Flex>
  );
}
