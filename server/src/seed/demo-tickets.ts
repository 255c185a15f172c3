/**
 * Demo work orders: about thirty realistic requests in every stage of the lifecycle, created through the
 * tickets module's own use cases (with the clock pinned in the recent past) so numbers, events, deadlines and
 * reminders are exactly what real use would leave behind. Demo only.
 */
import type { AppContext } from '../context.ts';
import type { UserActor } from '../platform/actor.ts';
import * as tickets from '../modules/tickets/tickets.service.ts';
import { RegisterTicketBody } from '../modules/tickets/tickets.schema.ts';
import type { Role } from '../schema.ts';

type Stage =
  | 'pending_dispatch'
  | 'dispatched'
  | 'in_progress'
  | 'return_review'
  | 'extension_review'
  | 'reply_review'
  | 'pending_survey'
  | 'closed'
  | 'resolved_on_call'
  | 'merged';

type DemoTicket = {
  category: string;
  type: 'consult' | 'help' | 'complaint' | 'report' | 'suggestion' | 'praise';
  urgency?: 'normal' | 'urgent' | 'critical';
  title: string;
  description: string;
  address: string;
  district: string;
  caller: [string, string];
  confidential?: boolean;
  /** Hours before seeding that the call came in. */
  hoursAgo: number;
  stage: Stage;
  assists?: string[];
};

// prettier-ignore
export const demoTickets: DemoTicket[] = [
  { category: 'urban.property', type: 'complaint', title: '小区电梯频繁故障物业不维修', description: '幸福里小区3号楼电梯近一个月坏了四次，物业只是简单重启，老人被困过一次，要求彻底检修。', address: '东城区幸福里小区3号楼', district: '东城区', caller: ['张建国', '13805710001'], hoursAgo: 200, stage: 'in_progress', assists: ['jd_dongcheng'] },
  { category: 'urban.property', type: 'complaint', title: '幸福里小区电梯又停运', description: '幸福里小区3号楼电梯今天又停了，物业说等配件，已经三天了。', address: '东城区幸福里小区3号楼', district: '东城区', caller: ['李桂兰', '13805710002'], hoursAgo: 30, stage: 'merged' },
  { category: 'market.consumer', type: 'complaint', title: '健身房倒闭预付卡无法退费', description: '在西湖区力美健身办了年卡3600元，门店突然关门，联系不上老板，要求退费。', address: '西湖区文三路188号力美健身', district: '西湖区', caller: ['王磊', '13905710003'], hoursAgo: 150, stage: 'extension_review' },
  { category: 'market.food', type: 'report', title: '餐馆后厨卫生状况差', description: '南苑路一家面馆后厨老鼠出没，餐具不消毒，举报人要求保密。', address: '南苑区南苑路66号', district: '南苑区', caller: ['匿名', '13905710004'], confidential: true, hoursAgo: 60, stage: 'dispatched' },
  { category: 'transport.bus', type: 'suggestion', title: '建议增加早高峰公交班次', description: '28路公交早上7点到8点间隔超过20分钟，车上非常拥挤，建议加密班次。', address: '东城区火车东站公交枢纽', district: '东城区', caller: ['陈晓', '13605710005'], hoursAgo: 20, stage: 'dispatched' },
  { category: 'transport.bus', type: 'complaint', title: '公交司机未进站停靠', description: '今天上午9点15分，52路公交在西溪路站没有进站，直接开走，多名乘客没赶上。', address: '西湖区西溪路站', district: '西湖区', caller: ['赵敏', '13605710006'], hoursAgo: 100, stage: 'reply_review' },
  { category: 'social.insurance', type: 'consult', title: '灵活就业人员社保缴费咨询', description: '来电人咨询灵活就业人员如何缴纳养老保险，缴费基数如何选择。', address: '', district: '东城区', caller: ['孙丽', '13705710007'], hoursAgo: 5, stage: 'resolved_on_call' },
  { category: 'social.wages', type: 'help', urgency: 'urgent', title: '工地拖欠农民工工资', description: '南苑区某安置房项目拖欠12名工人三个月工资共计约30万元，工人情绪激动。', address: '南苑区安置房三期工地', district: '南苑区', caller: ['周大勇', '13705710008'], hoursAgo: 22, stage: 'in_progress' },
  { category: 'environment.noise', type: 'complaint', title: '夜间施工噪音扰民', description: '每天晚上11点以后工地仍在打桩，噪音很大，严重影响周边居民休息。', address: '西湖区古墩路与文一路交叉口工地', district: '西湖区', caller: ['吴芳', '13805710009'], hoursAgo: 130, stage: 'in_progress' },
  { category: 'environment.noise', type: 'complaint', title: '广场舞音响声音过大', description: '东城公园每晚广场舞音响声音很大，持续到晚上9点半，希望管理。', address: '东城区东城公园南广场', district: '东城区', caller: ['郑伟', '13805710010'], hoursAgo: 300, stage: 'closed' },
  { category: 'utilities.water', type: 'help', urgency: 'critical', title: '小区主水管爆裂', description: '南苑小区门口主水管爆裂，路面积水严重，整个小区停水。', address: '南苑区南苑小区东门', district: '南苑区', caller: ['冯军', '13905710011'], hoursAgo: 4, stage: 'dispatched' },
  { category: 'utilities.power', type: 'help', urgency: 'urgent', title: '整栋楼停电', description: '西湖花园5幢从中午开始停电，至今未恢复，家中有老人需要用制氧机。', address: '西湖区西湖花园5幢', district: '西湖区', caller: ['褚红', '13905710012'], hoursAgo: 10, stage: 'reply_review' },
  { category: 'utilities.gas', type: 'help', urgency: 'critical', title: '楼道疑似燃气泄漏', description: '东城区和平里2幢楼道有明显燃气味，住户不敢开火。', address: '东城区和平里2幢', district: '东城区', caller: ['卫东', '13605710013'], hoursAgo: 1, stage: 'pending_dispatch' },
  { category: 'city.street_vendor', type: 'complaint', title: '学校门口流动摊贩占道', description: '实验小学门口每天早上有流动摊贩占道经营，影响学生上学安全。', address: '西湖区实验小学东门', district: '西湖区', caller: ['蒋燕', '13705710014'], hoursAgo: 70, stage: 'return_review' },
  { category: 'city.sanitation', type: 'complaint', title: '垃圾桶满溢无人清运', description: '南苑菜市场旁垃圾桶已经满溢两天，气味很大。', address: '南苑区南苑菜市场北侧', district: '南苑区', caller: ['沈涛', '13705710015'], hoursAgo: 90, stage: 'pending_survey' },
  { category: 'city.street_light', type: 'report', title: '路灯损坏多日未修', description: '东城大道辅路有十几盏路灯不亮，晚上行人通行不安全。', address: '东城区东城大道辅路', district: '东城区', caller: ['韩梅', '13805710016'], hoursAgo: 48, stage: 'in_progress' },
  { category: 'social.medical_insurance', type: 'consult', title: '异地就医备案怎么办理', description: '来电人父亲在外地住院，咨询异地就医备案的办理方式。', address: '', district: '西湖区', caller: ['杨帆', '13905710017'], hoursAgo: 3, stage: 'resolved_on_call' },
  { category: 'social.housing_fund', type: 'consult', title: '公积金提取用于租房', description: '咨询租房提取公积金需要哪些材料，每年可以提取几次。', address: '', district: '南苑区', caller: ['朱琳', '13605710018'], hoursAgo: 26, stage: 'dispatched' },
  { category: 'education.enrolment', type: 'consult', title: '小学入学积分政策', description: '来电人为新市民，咨询孩子明年入学的积分政策和材料。', address: '', district: '东城区', caller: ['秦刚', '13705710019'], hoursAgo: 40, stage: 'closed' },
  { category: 'public_security.household', type: 'consult', title: '身份证异地补办', description: '来电人身份证丢失，户籍在外省，咨询能否在本市补办。', address: '', district: '西湖区', caller: ['尤佳', '13805710020'], hoursAgo: 2, stage: 'resolved_on_call' },
  { category: 'health.hospital', type: 'complaint', title: '医院挂号排队时间过长', description: '市一医院自助挂号机经常故障，人工窗口排队超过一小时。', address: '东城区解放路市第一人民医院', district: '东城区', caller: ['许可', '13905710021'], hoursAgo: 160, stage: 'in_progress' },
  { category: 'social.elderly', type: 'help', title: '独居老人需要上门照护', description: '来电人邻居是80岁独居老人，行动不便，希望社区提供上门照护服务。', address: '南苑区桂花苑8幢', district: '南苑区', caller: ['何静', '13605710022'], hoursAgo: 56, stage: 'reply_review' },
  { category: 'urban.planning', type: 'report', title: '楼顶违章搭建', description: '西湖区翠苑三区12幢顶楼住户在楼顶违章加盖房屋，存在安全隐患。', address: '西湖区翠苑三区12幢', district: '西湖区', caller: ['吕强', '13705710023'], confidential: true, hoursAgo: 120, stage: 'in_progress' },
  { category: 'tax.invoice', type: 'consult', title: '个体户如何开具电子发票', description: '来电人为个体工商户，咨询如何开通并开具数电发票。', address: '', district: '东城区', caller: ['施洋', '13805710024'], hoursAgo: 8, stage: 'dispatched' },
  { category: 'community.neighbourhood', type: 'help', title: '楼上漏水邻居不配合维修', description: '楼上卫生间漏水导致我家天花板发霉，楼上住户拒绝配合维修。', address: '东城区和平里6幢302室', district: '东城区', caller: ['孔亮', '13905710025'], hoursAgo: 180, stage: 'closed' },
  { category: 'transport.road', type: 'suggestion', title: '建议增设人行横道信号灯', description: '西湖区文二路与学院路交叉口行人多，没有人行信号灯，建议增设。', address: '西湖区文二路学院路口', district: '西湖区', caller: ['曹阳', '13605710026'], hoursAgo: 12, stage: 'pending_dispatch' },
  { category: 'market.price', type: 'complaint', title: '停车场收费高于公示标准', description: '南苑商业中心地下停车场实际收费每小时10元，公示为每小时6元。', address: '南苑区南苑商业中心', district: '南苑区', caller: ['严冬', '13705710027'], hoursAgo: 75, stage: 'in_progress' },
  { category: 'environment.air', type: 'report', title: '餐饮油烟直排', description: '小区底商烧烤店油烟直排，没有安装净化设备，楼上无法开窗。', address: '东城区朝晖小区底商', district: '东城区', caller: ['华蕾', '13805710028'], hoursAgo: 34, stage: 'dispatched' },
  { category: 'urban.property', type: 'praise', title: '表扬物业维修及时', description: '来电人表扬翠苑物业维修工王师傅半夜上门抢修水管，服务热情。', address: '西湖区翠苑二区', district: '西湖区', caller: ['金玲', '13905710029'], hoursAgo: 6, stage: 'pending_dispatch' },
  { category: 'social.assistance', type: 'help', title: '申请临时救助', description: '来电人因病失业，家庭困难，咨询并申请临时救助。', address: '南苑区南苑街道', district: '南苑区', caller: ['魏强', '13605710030'], hoursAgo: 95, stage: 'extension_review' },
];

type Actors = { agent: UserActor; supervisor: UserActor; staffOf(departmentId: string): UserActor | undefined };

async function loadActors(ctx: AppContext): Promise<Actors> {
  const users = await ctx.db.selectFrom('users').select(['id', 'username', 'display_name', 'role', 'department_id']).where('is_demo', '=', true).execute();
  const actorOf = (u: (typeof users)[number]): UserActor => ({
    kind: 'user',
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    role: u.role as Role,
    departmentId: u.department_id,
    sessionId: '00000000-0000-0000-0000-000000000000',
    ip: null,
    userAgent: 'demo-seed',
    language: 'zh-CN',
  });
  const find = (username: string) => {
    const u = users.find((x) => x.username === username);
    if (!u) throw new Error(`demo user ${username} is missing`);
    return actorOf(u);
  };
  return {
    agent: find('agent1'),
    supervisor: find('supervisor'),
    staffOf: (departmentId) => {
      const u = users.find((x) => x.role === 'department_staff' && x.department_id === departmentId);
      return u ? actorOf(u) : undefined;
    },
  };
}

/** Creates the demo tickets once (marker row in app_meta). Returns how many were created. */
export async function seedDemoTickets(ctx: AppContext, now = new Date()): Promise<number> {
  const claimed = await ctx.db
    .insertInto('app_meta')
    .values({ key: 'demo_tickets_seeded_at', value: JSON.stringify(now.toISOString()) })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  if (!claimed) return 0;
  const actors = await loadActors(ctx);
  const categories = await ctx.db.selectFrom('ticket_categories').select(['id', 'code', 'default_department_code']).execute();
  const departments = await ctx.db.selectFrom('departments').select(['id', 'code']).execute();
  const departmentId = (code: string) => departments.find((d) => d.code === code)?.id;
  const hour = 3_600_000;
  let masterId: string | undefined;
  let created = 0;

  for (const demo of demoTickets) {
    const category = categories.find((c) => c.code === demo.category);
    const leadId = departmentId(category?.default_department_code ?? '') ?? departmentId('jd_dongcheng')!;
    const assists = (demo.assists ?? []).map(departmentId).filter((id): id is string => id !== undefined && id !== leadId);
    const t0 = new Date(now.getTime() - demo.hoursAgo * hour);
    // Later steps happen a little after the call, never in the future.
    const later = (hours: number) => new Date(Math.min(now.getTime() - 60_000, t0.getTime() + hours * hour));
    const closesAtOnce = demo.stage === 'resolved_on_call';
    const input = RegisterTicketBody.parse({
      channel: demo.hoursAgo % 5 === 0 ? 'web' : 'phone',
      type: demo.type,
      urgency: demo.urgency ?? 'normal',
      ...(category ? { categoryId: category.id } : {}),
      title: demo.title,
      description: demo.description,
      ...(demo.address ? { address: demo.address } : {}),
      district: demo.district,
      caller: { name: demo.caller[0], phone: demo.caller[1] },
      confidential: demo.confidential ?? false,
      disposition: closesAtOnce ? 'resolveOnCall' : 'pending_dispatch',
      ...(closesAtOnce ? { resolution: '已根据知识库答复来电人，来电人表示清楚。' } : {}),
    });
    const id = await tickets.registerTicket(ctx, actors.agent, input, { now: t0 });
    created++;
    if (demo.stage === 'resolved_on_call' || demo.stage === 'pending_dispatch') continue;
    if (demo.stage === 'merged') {
      if (masterId) await tickets.mergeTicket(ctx, actors.agent, id, { masterTicketId: masterId, note: '同一小区同一电梯问题' }, { now: later(0.2) });
      continue;
    }
    await tickets.dispatchTicket(ctx, actors.agent, id, { leadDepartmentId: leadId, assistDepartmentIds: assists, complex: false }, { now: later(0.1) });
    masterId ??= id;
    if (demo.stage === 'dispatched') continue;
    const clerk = actors.staffOf(leadId);
    if (!clerk) continue;
    const lead = await ctx.db.selectFrom('ticket_assignments').select(['id', 'handle_by']).where('ticket_id', '=', id).where('role', '=', 'lead').executeTakeFirstOrThrow();
    if (demo.stage === 'return_review') {
      await tickets.returnAssignment(ctx, clerk, lead.id, { reason: '该事项属街道综合执法职责，建议改派属地街道。' }, { now: later(1) });
      continue;
    }
    await tickets.signAssignment(ctx, clerk, lead.id, { note: '已签收，安排专人办理' }, { now: later(0.5) });
    if (demo.stage === 'in_progress') continue;
    if (demo.stage === 'extension_review') {
      const signed = await ctx.db.selectFrom('ticket_assignments').select('handle_by').where('id', '=', lead.id).executeTakeFirstOrThrow();
      const until = new Date(signed.handle_by.getTime() + 3 * 24 * hour);
      if (later(2) < signed.handle_by) {
        await tickets.requestExtension(ctx, clerk, lead.id, { until: until.toISOString(), reason: '需协调多个部门现场核查，申请延期。' }, { now: later(2) });
      }
      continue;
    }
    await tickets.replyAssignment(ctx, clerk, lead.id, { reply: '经现场核查，已责成相关责任单位整改完毕，并电话告知来电人处理结果。' }, { now: later(3) });
    if (demo.stage === 'reply_review') continue;
    await tickets.passReview(ctx, actors.supervisor, id, { survey: true }, { now: later(4) });
    if (demo.stage === 'pending_survey') continue;
    await tickets.recordSurveyResult(ctx, actors.agent, id, { result: demo.hoursAgo % 2 === 0 ? 'satisfied' : 'basically_satisfied', departmentAtFault: false }, { now: later(24) });
  }
  ctx.logger.info({ tickets: created }, 'demo tickets seeded');
  return created;
}
