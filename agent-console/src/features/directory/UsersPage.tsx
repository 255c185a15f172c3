/** 人员管理: everyone on the platform with role, 工号, department, skills and whether the account is active. */
import { useMemo, useState } from 'react';
import { Badge, Button, Card, Flex, Input, Select, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Role } from '../../lib/api.ts';
import { useApiQuery } from '../../lib/use-api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import type { DirectoryUser, ListResponse } from './types.ts';
import { useDeskLabel } from '../calls/desks.ts';
import { RefreshButton } from '../shell/RefreshButton.tsx';

/** Tag colours only tell roles apart at a glance; what a role may do is the server's business. */
const ROLE_COLOURS: Record<Role, string> = {
  admin: 'red',
  supervisor: 'purple',
  agent: 'blue',
  department_staff: 'green',
  auditor: 'orange',
};

export default function UsersPage() {
  const { t } = useTranslation();
  const deskLabel = useDeskLabel();
  const query = useApiQuery<ListResponse<DirectoryUser>>('/api/directory/users');
  const [search, setSearch] = useState('');
  const [role, setRole] = useState<Role | null>(null);
  const users = useMemo(() => query.data?.items ?? [], [query.data]);

  const rows = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return users.filter((user) => {
      if (role && user.role !== role) return false;
      if (!needle) return true;
      return [user.displayName, user.username, user.employeeNo ?? ''].some((text) => text.toLowerCase().includes(needle));
    });
  }, [users, search, role]);

  const roles = useMemo(() => [...new Set(users.map((user) => user.role))], [users]);
  const departments = useMemo(
    () => [...new Set(users.map((user) => user.departmentName).filter((name): name is string => Boolean(name)))],
    [users],
  );

  const columns: TableColumnsType<DirectoryUser> = [
    {
      title: t('directory.displayName'),
      dataIndex: 'displayName',
      sorter: (a, b) => a.displayName.localeCompare(b.displayName, 'zh-CN'),
      render: (_: string, user) => (
        <Flex vertical>
          <Typography.Text strong>{user.displayName}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {user.username}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('directory.employeeNo'),
      dataIndex: 'employeeNo',
      width: 110,
      sorter: (a, b) => (a.employeeNo ?? '').localeCompare(b.employeeNo ?? ''),
      render: (employeeNo: string | null) => employeeNo ?? t('common.none'),
    },
    {
      title: t('directory.role'),
      dataIndex: 'role',
      width: 140,
      render: (value: Role) => <Tag color={ROLE_COLOURS[value] ?? 'default'}>{t(`roles.${value}`, { defaultValue: value })}</Tag>,
    },
    {
      title: t('directory.department'),
      dataIndex: 'departmentName',
      filters: departments.map((name) => ({ text: name, value: name })),
      filterSearch: true,
      onFilter: (value, user) => user.departmentName === value,
      render: (name: string | null) => name ?? t('common.none'),
    },
    {
      title: t('directory.skills'),
      dataIndex: 'skills',
      render: (skills: DirectoryUser['skills']) =>
        skills.length === 0 ? (
          t('common.none')
        ) : (
          <Flex wrap gap={4}>
            {skills.map((skill) => (
              <Tag key={skill.skill} color="blue" variant="outlined" style={{ marginInlineEnd: 0 }}>
                {deskLabel(skill.skill)} · {t('skills.level', { level: skill.level })}
              </Tag>
            ))}
          </Flex>
        ),
    },
    {
      title: t('directory.status'),
      dataIndex: 'active',
      width: 100,
      filters: [
        { text: t('directory.active'), value: true },
        { text: t('directory.inactive'), value: false },
      ],
      onFilter: (value, user) => user.active === value,
      render: (active: boolean) => <Badge status={active ? 'success' : 'default'} text={active ? t('directory.active') : t('directory.inactive')} />,
    },
  ];

  return (
    <div data-testid="users-page">
      <PageTitle
        title={t('directory.usersTitle')}
        description={t('directory.usersDescription')}
        extra={
          <RefreshButton onClick={query.reload} loading={query.loading} />
        }
      />
      {query.error ? <LoadError error={query.error} onRetry={query.reload} /> : null}
      <Card>
        <Flex wrap gap={12} style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            placeholder={t('directory.searchUsers')}
            onChange={(event) => setSearch(event.target.value)}
            style={{ maxWidth: 320 }}
            data-testid="users-search"
          />
          <Select<Role>
            value={role ?? undefined}
            onChange={(value) => setRole(value ?? null)}
            allowClear
            placeholder={t('directory.allRoles')}
            style={{ width: 180 }}
            data-testid="users-role-filter"
            options={roles.map((value) => ({ value, label: t(`roles.${value}`, { defaultValue: value }) }))}
          />
        </Flex>
        <Table<DirectoryUser>
          rowKey="id"
          size="middle"
          loading={query.loading}
          columns={columns}
          dataSource={rows}
          pagination={{ defaultPageSize: 20, showSizeChanger: true, showTotal: (total) => t('common.loaded', { count: total }) }}
          scroll={{ x: 900 }}
          data-testid="users-table"
        />
      </Card>
    </div>
  );
}
