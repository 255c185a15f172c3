/** 承办单位: the departments the hotline dispatches to, with their kind, parent and contact phone. */
import { useMemo, useState } from 'react';
import { Button, Card, Input, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { PhoneOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useApiQuery } from '../../lib/use-api.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import type { Department, ListResponse } from './types.ts';
import { RefreshButton } from '../shell/RefreshButton.tsx';

export default function DepartmentsPage() {
  const { t } = useTranslation();
  const query = useApiQuery<ListResponse<Department>>('/api/directory/departments');
  const [search, setSearch] = useState('');
  const departments = useMemo(() => query.data?.items ?? [], [query.data]);
  const namesById = useMemo(() => new Map(departments.map((department) => [department.id, department.name])), [departments]);

  const rows = useMemo(() => {
    const needle = search.trim().toLowerCase();
    if (!needle) return departments;
    return departments.filter(
      (department) => department.name.toLowerCase().includes(needle) || department.code.toLowerCase().includes(needle),
    );
  }, [departments, search]);

  const kinds = useMemo(() => [...new Set(departments.map((department) => department.kind))], [departments]);

  const columns: TableColumnsType<Department> = [
    { title: t('directory.code'), dataIndex: 'code', width: 120, sorter: (a, b) => a.code.localeCompare(b.code) },
    {
      title: t('directory.name'),
      dataIndex: 'name',
      sorter: (a, b) => a.name.localeCompare(b.name, 'zh-CN'),
      render: (name: string) => <Typography.Text strong>{name}</Typography.Text>,
    },
    {
      title: t('directory.kind'),
      dataIndex: 'kind',
      width: 160,
      filters: kinds.map((kind) => ({ text: kindLabel(kind), value: kind })),
      onFilter: (value, department) => department.kind === value,
      render: (kind: string) => <Tag>{kindLabel(kind)}</Tag>,
    },
    {
      title: t('directory.parent'),
      dataIndex: 'parentId',
      width: 180,
      render: (parentId: string | null) => (parentId ? namesById.get(parentId) ?? parentId : t('common.none')),
    },
    {
      title: t('directory.contactPhone'),
      dataIndex: 'contactPhone',
      width: 170,
      render: (phone: string | null) =>
        phone ? (
          <a href={`tel:${phone}`}>
            <PhoneOutlined /> {phone}
          </a>
        ) : (
          t('common.none')
        ),
    },
  ];

  function kindLabel(kind: string): string {
    return t(`directory.kinds.${kind}`, { defaultValue: kind });
  }

  return (
    <div data-testid="departments-page">
      <PageTitle
        title={t('directory.departmentsTitle')}
        description={t('directory.departmentsDescription')}
        extra={
          <RefreshButton onClick={query.reload} loading={query.loading} />
        }
      />
      {query.error ? <LoadError error={query.error} onRetry={query.reload} /> : null}
      <Card>
        <Input.Search
          allowClear
          placeholder={t('directory.searchDepartments')}
          onChange={(event) => setSearch(event.target.value)}
          style={{ maxWidth: 320, marginBottom: 16 }}
          data-testid="departments-search"
        />
        <Table<Department>
          rowKey="id"
          size="middle"
          loading={query.loading}
          columns={columns}
          dataSource={rows}
          pagination={{ defaultPageSize: 20, showSizeChanger: true, showTotal: (total) => t('common.loaded', { count: total }) }}
          scroll={{ x: 760 }}
          data-testid="departments-table"
        />
      </Card>
    </div>
  );
}
