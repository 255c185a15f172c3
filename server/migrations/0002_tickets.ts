/**
 * Work orders (工单): the category catalogue, tickets with their daily number sequence, assignments to
 * departments (主办 lead / 协办 assist) with their deadlines, the event trail GB/T 33358 asks for, the deadline
 * table and local calendar overrides admins edit, and console notifications (urge, warning, overdue).
 *
 * States are checked here as well as in lifecycle.ts: the table is the one place where the set of states is
 * enforced whoever writes, but which transitions are legal lives only in lifecycle.ts.
 */
import { type Kysely, sql } from 'kysely';

/** The starting catalogue (a two-level tree); admins maintain it afterwards. [code, name, English, lead department]. */
const catalogue: { code: string; name: string; nameEn: string; children: [string, string, string, string | null][] }[] = [
  { code: 'urban', name: '城乡建设', nameEn: 'Urban and rural construction', children: [
    ['urban.property', '物业管理', 'Property management', 'zhujian'],
    ['urban.housing', '房屋安全与租赁', 'Housing safety and rental', 'zhujian'],
    ['urban.construction', '建筑施工', 'Construction sites', 'zhujian'],
    ['urban.elevator', '加装电梯与老旧小区改造', 'Lifts and old-estate renewal', 'zhujian'],
    ['urban.planning', '规划与违建', 'Planning and illegal building', 'ziran'],
  ] },
  { code: 'city', name: '城市管理', nameEn: 'City management', children: [
    ['city.sanitation', '环境卫生与垃圾分类', 'Sanitation and waste sorting', 'chengguan'],
    ['city.street_vendor', '占道经营', 'Street vending', 'chengguan'],
    ['city.greening', '园林绿化', 'Parks and greenery', 'chengguan'],
    ['city.street_light', '路灯与市政设施', 'Street lights and public works', 'chengguan'],
  ] },
  { code: 'market', name: '市场监管', nameEn: 'Market regulation', children: [
    ['market.consumer', '消费维权', 'Consumer rights', 'shichang'],
    ['market.food', '食品安全', 'Food safety', 'shichang'],
    ['market.price', '价格监督', 'Prices', 'shichang'],
    ['market.prepaid', '预付卡退费', 'Prepaid card refunds', 'shichang'],
  ] },
  { code: 'transport', name: '交通出行', nameEn: 'Transport', children: [
    ['transport.bus', '公交', 'Buses', 'jiaotong'],
    ['transport.taxi', '出租车与网约车', 'Taxis and ride hailing', 'jiaotong'],
    ['transport.road', '道路与停车', 'Roads and parking', 'jiaotong'],
    ['transport.traffic_police', '交通违法与事故', 'Traffic offences and accidents', 'gongan_jiaojing'],
  ] },
  { code: 'social', name: '社会保障', nameEn: 'Social security', children: [
    ['social.insurance', '社保', 'Social insurance', 'renshe'],
    ['social.wages', '欠薪与劳动纠纷', 'Unpaid wages and labour disputes', 'renshe'],
    ['social.medical_insurance', '医保', 'Medical insurance', 'yibao'],
    ['social.housing_fund', '住房公积金', 'Housing provident fund', 'gongjijin'],
    ['social.assistance', '低保与社会救助', 'Subsistence allowance and relief', 'minzheng'],
    ['social.elderly', '养老服务', 'Elderly care', 'minzheng'],
  ] },
  { code: 'environment', name: '生态环境', nameEn: 'Environment', children: [
    ['environment.noise', '噪音污染', 'Noise', 'shengtai'],
    ['environment.air', '大气污染', 'Air pollution', 'shengtai'],
    ['environment.water', '水污染', 'Water pollution', 'shengtai'],
  ] },
  { code: 'utilities', name: '公用事业', nameEn: 'Utilities', children: [
    ['utilities.water', '供水', 'Water supply', 'shuiwu_group'],
    ['utilities.power', '供电', 'Electricity', 'gongdian'],
    ['utilities.gas', '燃气', 'Gas', 'ranqi'],
  ] },
  { code: 'public_security', name: '公共安全', nameEn: 'Public security', children: [
    ['public_security.household', '户籍与证件', 'Household registration and ID', 'gongan'],
    ['public_security.order', '治安秩序', 'Public order', 'gongan'],
  ] },
  { code: 'health', name: '卫生健康', nameEn: 'Health', children: [
    ['health.hospital', '医疗服务', 'Hospital services', 'weijian'],
    ['health.public', '公共卫生', 'Public health', 'weijian'],
  ] },
  { code: 'education', name: '教育', nameEn: 'Education', children: [
    ['education.enrolment', '入学招生', 'School enrolment', 'jiaoyu'],
    ['education.training', '校外培训', 'Private tutoring', 'jiaoyu'],
  ] },
  { code: 'tax', name: '税务', nameEn: 'Tax', children: [
    ['tax.personal', '个人所得税', 'Individual income tax', 'shuiwu'],
    ['tax.invoice', '发票', 'Invoices', 'shuiwu'],
  ] },
  { code: 'community', name: '社区事务', nameEn: 'Community affairs', children: [
    ['community.neighbourhood', '邻里纠纷', 'Neighbour disputes', 'jd_dongcheng'],
    ['community.services', '社区服务', 'Community services', 'jd_dongcheng'],
  ] },
  { code: 'other', name: '其他', nameEn: 'Other', children: [['other.general', '其他事项', 'Other matters', null]] },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  // No pg_trgm: its trigrams are built from words, and Chinese requests have no spaces to make words of, so
  // merge candidates are scored with character bigrams in TypeScript over a small nearby, recent set.
  await sql`
    create table ticket_categories (
      id uuid primary key default gen_random_uuid(),
      code text not null unique check (code ~ '^[a-z][a-z0-9_.-]{1,60}$'),
      parent_id uuid references ticket_categories (id),
      name text not null,
      name_en text not null default '',
      -- A department code, not a foreign key: the catalogue is data, departments differ per deployment, and a
      -- missing department only means "no suggestion".
      default_department_code text,
      active boolean not null default true,
      sort_order int not null default 0
    );
    create index ticket_categories_parent_idx on ticket_categories (parent_id);

    -- One row per local day; the upsert that takes the next value locks only that row, briefly.
    create table ticket_number_sequences (
      day date primary key,
      last_value int not null
    );

    create table tickets (
      id uuid primary key default gen_random_uuid(),
      number text not null unique,
      channel text not null check (channel in ('phone', 'voicemail', 'web', 'sms', 'chat', 'open311')),
      type text not null check (type in ('consult', 'help', 'complaint', 'report', 'suggestion', 'praise')),
      urgency text not null check (urgency in ('normal', 'urgent', 'critical')),
      category_id uuid references ticket_categories (id),
      title text not null,
      description text not null,
      address text,
      latitude double precision check (latitude between -90 and 90),
      longitude double precision check (longitude between -180 and 180),
      district text,
      caller_name text,
      caller_phone_encrypted text,
      caller_phone_hash text,
      caller_phone_masked text,
      caller_phone_last_four text,
      -- The caller said no text messages (no 受理 / 办结告知 SMS).
      caller_sms_declined boolean not null default false,
      confidential boolean not null default false,
      call_ids text[] not null default '{}',
      state text not null check (state in (
        'registering', 'pending_dispatch', 'dispatched', 'in_progress', 'return_review', 'extension_review',
        'reply_review', 'pending_survey', 'closed', 'merged')),
      -- How a closed ticket ended: handled by departments, or closed at registration.
      closure text check (closure in ('handled', 'resolved_on_call', 'transferred', 'informed')),
      transferred_to text check (transferred_to in ('110', '119', '120', '122')),
      resolution text,
      survey_result text check (survey_result in ('satisfied', 'basically_satisfied', 'unsatisfied', 'unreachable', 'declined')),
      reopen_count int not null default 0,
      urge_count int not null default 0,
      last_urged_at timestamptz,
      supervised_at timestamptz,
      parent_ticket_id uuid references tickets (id),
      parent_assignment_id uuid,
      master_ticket_id uuid references tickets (id),
      registered_by uuid references users (id),
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      closed_at timestamptz,
      constraint tickets_merged_has_master check ((state = 'merged') = (master_ticket_id is not null)),
      constraint tickets_closed_has_closure check (state <> 'closed' or closure is not null)
    );
    create index tickets_created_idx on tickets (created_at desc, id desc);
    create index tickets_state_created_idx on tickets (state, created_at desc, id desc);
    create index tickets_caller_hash_idx on tickets (caller_phone_hash, created_at desc) where caller_phone_hash is not null;
    create index tickets_parent_idx on tickets (parent_ticket_id) where parent_ticket_id is not null;
    create index tickets_master_idx on tickets (master_ticket_id) where master_ticket_id is not null;
    create index tickets_category_idx on tickets (category_id, created_at desc);

    create table ticket_assignments (
      id uuid primary key default gen_random_uuid(),
      ticket_id uuid not null references tickets (id),
      department_id uuid not null references departments (id),
      role text not null check (role in ('lead', 'assist')),
      state text not null check (state in (
        'dispatched', 'signed', 'return_requested', 'extension_requested', 'waiting_child', 'replied', 'done',
        'returned', 'withdrawn')),
      -- The state a refused return or extension goes back to.
      resume_state text check (resume_state in ('dispatched', 'signed')),
      -- Copied from the ticket so the department inbox and the board sort without a join.
      urgency text not null check (urgency in ('normal', 'urgent', 'critical')),
      urgency_rank smallint generated always as (case urgency when 'critical' then 0 when 'urgent' then 1 else 2 end) stored,
      dispatched_at timestamptz not null,
      dispatched_by uuid references users (id),
      dispatch_note text,
      sign_by timestamptz not null,
      handle_by timestamptz not null,
      return_by timestamptz not null,
      warn_at timestamptz not null,
      -- When the warning / overdue notice went out (null: not yet).
      warned_at timestamptz,
      overdue_at timestamptz,
      signed_at timestamptz,
      signed_by uuid references users (id),
      return_reason text,
      extension_until timestamptz,
      extension_reason text,
      extension_count int not null default 0,
      child_ticket_id uuid references tickets (id),
      reply text,
      replied_at timestamptz,
      replied_by uuid references users (id),
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index ticket_assignments_ticket_idx on ticket_assignments (ticket_id);
    -- The department inbox: its open work by state, most urgent deadline first.
    create index ticket_assignments_inbox_idx on ticket_assignments (department_id, state, handle_by, id);
    create index ticket_assignments_open_inbox_idx on ticket_assignments (department_id, handle_by, id)
      where state in ('dispatched', 'signed', 'return_requested', 'extension_requested', 'waiting_child');
    -- The supervision board: open work, most urgent first, then the earliest deadline. Every overdue row comes
    -- before every row that is not yet warned within one urgency, so the scan stops after one page.
    create index ticket_assignments_board_idx on ticket_assignments (urgency_rank, handle_by, id)
      where state in ('dispatched', 'signed', 'return_requested', 'extension_requested', 'waiting_child');
    -- One open lead per ticket; a department holds at most one open assignment per ticket.
    create unique index ticket_assignments_one_lead on ticket_assignments (ticket_id)
      where role = 'lead' and state not in ('returned', 'withdrawn');
    create unique index ticket_assignments_one_per_department on ticket_assignments (ticket_id, department_id)
      where state not in ('returned', 'withdrawn', 'done');
    alter table tickets add constraint tickets_parent_assignment_fk foreign key (parent_assignment_id) references ticket_assignments (id);

    create table ticket_events (
      id bigint generated always as identity primary key,
      ticket_id uuid not null references tickets (id),
      assignment_id uuid references ticket_assignments (id),
      at timestamptz not null default now(),
      actor_id uuid,
      actor_name text not null,
      actor_role text not null,
      action text not null,
      from_state text,
      to_state text,
      note text,
      data jsonb not null default '{}'
    );
    create index ticket_events_ticket_idx on ticket_events (ticket_id, id);

    -- The deadline table (type × urgency). Rows absent here take the calendar module's defaults.
    create table ticket_deadline_rules (
      type text not null check (type in ('consult', 'help', 'complaint', 'report', 'suggestion', 'praise')),
      urgency text not null check (urgency in ('normal', 'urgent', 'critical')),
      windows jsonb not null,
      updated_by uuid references users (id),
      updated_at timestamptz not null default now(),
      primary key (type, urgency)
    );

    -- Local decisions beating the national calendar: a typhoon day off, a local make-up workday.
    create table calendar_overrides (
      date date primary key,
      kind text not null check (kind in ('workday', 'holiday')),
      note text,
      updated_by uuid references users (id),
      updated_at timestamptz not null default now()
    );

    -- What the console lists as notices: urges, supervision notices, deadline warnings.
    create table ticket_notifications (
      id bigint generated always as identity primary key,
      department_id uuid references departments (id),
      role text,
      kind text not null,
      ticket_id uuid not null references tickets (id),
      assignment_id uuid references ticket_assignments (id),
      message text not null,
      created_at timestamptz not null default now(),
      read_at timestamptz,
      constraint ticket_notifications_has_recipient check (department_id is not null or role is not null)
    );
    create index ticket_notifications_department_idx on ticket_notifications (department_id, id desc);
    create index ticket_notifications_role_idx on ticket_notifications (role, id desc) where role is not null;
  `.execute(db);

  for (const [i, group] of catalogue.entries()) {
    const parent = await sql<{ id: string }>`
      insert into ticket_categories (code, name, name_en, sort_order) values (${group.code}, ${group.name}, ${group.nameEn}, ${i})
      returning id`.execute(db);
    for (const [k, [code, name, nameEn, department]] of group.children.entries()) {
      await sql`
        insert into ticket_categories (code, parent_id, name, name_en, default_department_code, sort_order)
        values (${code}, ${parent.rows[0]!.id}, ${name}, ${nameEn}, ${department}, ${k})`.execute(db);
    }
  }
}
