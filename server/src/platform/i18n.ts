/**
 * Server-side messages in the languages the hotline works in. zh-CN is the default; a client that prefers
 * English (Accept-Language) gets English. Messages are looked up by key so codes stay stable while wording moves.
 */
export type Language = 'zh-CN' | 'en';

type Params = Record<string, string | number>;
type Catalog = Record<string, { 'zh-CN': string; en: string }>;

const catalog: Catalog = {
  'error.validation': { 'zh-CN': '请求内容有误：{detail}', en: 'The request is invalid: {detail}' },
  'error.validation.field': { 'zh-CN': '请求内容有误：字段 {field}：{issue}', en: 'The request is invalid: field {field}: {issue}' },
  'error.validation.json': { 'zh-CN': '请求体不是合法的 JSON', en: 'The request body is not valid JSON' },
  'error.unauthenticated': { 'zh-CN': '请先登录', en: 'Please sign in' },
  'error.token.expired': { 'zh-CN': '登录已过期，请重新登录', en: 'Your session has expired; please sign in again' },
  'error.token.invalid': { 'zh-CN': '登录凭证无效', en: 'The sign-in token is not valid' },
  'error.credentials': { 'zh-CN': '用户名或密码错误', en: 'Wrong username or password' },
  'error.locked': {
    'zh-CN': '登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试',
    en: 'Too many failed sign-ins; the account is locked, try again in {minutes} minutes',
  },
  'error.inactive': { 'zh-CN': '该账号已停用', en: 'This account is disabled' },
  'error.refresh.invalid': { 'zh-CN': '刷新凭证无效，请重新登录', en: 'The refresh token is not valid; please sign in again' },
  'error.refresh.reused': {
    'zh-CN': '检测到刷新凭证被重复使用，已注销该登录的所有会话，请重新登录',
    en: 'A refresh token was used twice; every session of this sign-in has been revoked, please sign in again',
  },
  'error.forbidden': { 'zh-CN': '您没有权限执行此操作', en: 'You are not allowed to do this' },
  'error.not_found': { 'zh-CN': '找不到{entity}', en: '{entity} not found' },
  'error.route_not_found': { 'zh-CN': '没有这个接口：{method} {path}', en: 'No such endpoint: {method} {path}' },
  'error.conflict': { 'zh-CN': '操作冲突：{detail}', en: 'Conflict: {detail}' },
  'error.rate_limited': { 'zh-CN': '请求过于频繁，请稍后再试', en: 'Too many requests; please try again later' },
  'error.unavailable': { 'zh-CN': '服务暂不可用，请稍后再试', en: 'The service is unavailable; please try again later' },
  'error.provider_failed': { 'zh-CN': '外部服务调用失败：{provider}', en: 'An outside service failed: {provider}' },
  'error.internal': {
    'zh-CN': '服务器内部错误，错误编号 {errorId}',
    en: 'Internal server error, error id {errorId}',
  },
  'entity.user': { 'zh-CN': '用户', en: 'user' },
  'calls.error.agent_busy': { 'zh-CN': '通话中或振铃中不能切换状态（当前：{state}）', en: 'You cannot change state while ringing or on a call (now: {state})' },
  'calls.error.no_skills': { 'zh-CN': '您还没有分配任何坐席技能组，无法置闲', en: 'You have no desk skills yet, so you cannot go available' },
  'calls.error.not_talking': { 'zh-CN': '该通话当前不在通话中', en: 'This call is not in progress' },
  'calls.error.no_offer': { 'zh-CN': '没有正在振铃的来电', en: 'No call is ringing for you' },
  'calls.error.use_softphone': { 'zh-CN': '请在软电话上接听', en: 'Answer on your softphone' },
  'calls.error.not_ringing_yet': { 'zh-CN': '来电尚未振铃或已结束', en: 'The call is not ringing yet, or has ended' },
  'calls.error.transfer_to_self': { 'zh-CN': '不能转接给自己', en: 'You cannot transfer a call to yourself' },
  'calls.error.no_agent_free': { 'zh-CN': '目标坐席暂无空闲', en: 'No agent is free at the target' },
  'calls.error.no_consult': { 'zh-CN': '被咨询坐席尚未接通', en: 'The consulted agent has not answered' },
  'calls.error.no_department_phone': { 'zh-CN': '该部门未登记联系电话', en: 'This department has no contact phone' },
  'calls.error.outside_calling_hours': { 'zh-CN': '当前不在回拨时段（8:00–20:00）', en: 'Outside calling hours (08:00–20:00)' },
  'calls.error.missed_taken': { 'zh-CN': '该漏接来电已被认领或处理', en: 'This missed call was already claimed or handled' },
  'calls.error.unknown_wrap_up_code': { 'zh-CN': '话后小结编码“{code}”不存在或已停用，请从列表中选择', en: 'Wrap-up code "{code}" does not exist or is retired; choose one from the list' },
  'calls.error.wrap_up_code_exists': { 'zh-CN': '话后小结编码“{code}”已存在', en: 'Wrap-up code "{code}" already exists' },
  'calls.error.wrap_up_code_system': { 'zh-CN': '“{code}”是系统编码，不能停用', en: '"{code}" is a platform code and cannot be retired' },
  'calls.error.wrap_up_required': { 'zh-CN': '请先选择本次通话的话后小结，再结束话后处理', en: 'Choose a wrap-up code for the call before leaving wrap-up' },
  'calls.error.wrap_up_code_not_found': { 'zh-CN': '找不到话后小结编码“{code}”', en: 'No wrap-up code "{code}"' },
  'entity.call': { 'zh-CN': '通话', en: 'call' },
  'reports.error.range_order': { 'zh-CN': '统计区间有误：结束日期必须晚于开始日期', en: 'The period is invalid: the end date must be after the start date' },
  'reports.error.too_many_points': { 'zh-CN': '趋势点数过多（最多 {max} 个），请缩短区间或按周、按月统计', en: 'Too many trend points (at most {max}); shorten the range or group by week or month' },
  'entity.missed_call': { 'zh-CN': '漏接来电', en: 'missed call' },
  'entity.blocked_number': { 'zh-CN': '黑名单号码', en: 'blocked number' },
  'entity.desk': { 'zh-CN': '坐席组', en: 'desk' },
  'entity.ticket': { 'zh-CN': '工单', en: 'ticket' },
  'entity.assignment': { 'zh-CN': '派单记录', en: 'assignment' },
  'entity.category': { 'zh-CN': '诉求分类不存在', en: 'no such category' },
  'entity.phone': { 'zh-CN': '来电号码', en: 'caller phone number' },
  'entity.notification': { 'zh-CN': '通知', en: 'notice' },
  'entity.calendar_override': { 'zh-CN': '日历调整', en: 'calendar override' },
  'error.ticket.illegal_transition': {
    'zh-CN': '工单当前状态为「{state}」，不能执行「{action}」。现在可以执行：{allowed}',
    en: 'The ticket is "{state}": "{action}" is not possible now. Allowed now: {allowed}',
  },
  'error.ticket.stale': {
    'zh-CN': '工单已被他人修改（版本 {expected} → {current}），请刷新后重试',
    en: 'Someone else changed this ticket (version {expected} → {current}); reload and try again',
  },
  'error.ticket.choose_assignment': { 'zh-CN': '有多条待审核的申请，请指定 assignmentId', en: 'Several requests are waiting; choose one with assignmentId' },
  'error.ticket.return_window_passed': { 'zh-CN': '已超过退单期限（{returnBy}），不能退单', en: 'The return window closed at {returnBy}; the order can no longer be returned' },
  'error.ticket.extension_refused': { 'zh-CN': '延期申请不符合规定：{detail}', en: 'The extension request is not allowed: {detail}' },
  'error.ticket.extension_not_later': { 'zh-CN': '新期限须晚于当前期限', en: 'the new deadline must be later than the current one' },
  'error.ticket.bad_department': { 'zh-CN': '部门不存在、已停用或不能接收派单', en: 'the department does not exist, is inactive or cannot receive orders' },
  'error.ticket.duplicate_department': { 'zh-CN': '同一部门不能重复派单', en: 'a department cannot be assigned twice' },
  'error.ticket.new_lead_required': { 'zh-CN': '主办单位退单须指定新的主办单位（改派）', en: 'a returned lead needs a new lead department (re-dispatch)' },
  'error.ticket.merge_self': { 'zh-CN': '不能并入自身', en: 'a ticket cannot be merged into itself' },
  'error.ticket.merge_into_merged': { 'zh-CN': '目标工单已并入其他工单，请并入其主单', en: 'that ticket is itself merged; merge into its master' },
  'error.ticket.not_a_sub_unit': { 'zh-CN': '只能下派给本部门的下级单位', en: 'work can be passed down only to a sub-unit of your department' },
  'entity.department': { 'zh-CN': '部门', en: 'department' },
  'entity.knowledge_entry': { 'zh-CN': '知识库条目', en: 'knowledge entry' },
  'entity.chat_session': { 'zh-CN': '会话', en: 'conversation' },
  'entity.chat_message': { 'zh-CN': '消息', en: 'message' },
  'knowledge.error.other_department': { 'zh-CN': '只能编辑本部门的知识条目', en: 'You can only edit your own department’s entries' },
  'knowledge.error.code_taken': { 'zh-CN': '条目编号 {code} 已存在', en: 'Entry id {code} already exists' },
  'knowledge.error.stale': {
    'zh-CN': '条目已被他人修改（版本 {expected} → {current}），请刷新后重试',
    en: 'Someone else changed this entry (version {expected} → {current}); reload and try again',
  },
  'knowledge.error.illegal_transition': { 'zh-CN': '条目当前为「{state}」，不能「{action}」', en: 'The entry is "{state}": you cannot "{action}" it now' },
  'knowledge.state.draft': { 'zh-CN': '草稿', en: 'draft' },
  'knowledge.state.review': { 'zh-CN': '待审核', en: 'in review' },
  'knowledge.state.published': { 'zh-CN': '已发布', en: 'published' },
  'knowledge.state.archived': { 'zh-CN': '已下线', en: 'archived' },
  'knowledge.action.edit': { 'zh-CN': '修改', en: 'edit' },
  'knowledge.action.submit': { 'zh-CN': '提交审核', en: 'submit for review' },
  'knowledge.action.publish': { 'zh-CN': '发布', en: 'publish' },
  'knowledge.action.reject': { 'zh-CN': '退回', en: 'send back' },
  'knowledge.action.archive': { 'zh-CN': '下线', en: 'archive' },
  'knowledge.action.restore': { 'zh-CN': '恢复', en: 'restore' },
  'entity.survey': { 'zh-CN': '回访记录', en: 'survey' },
  'entity.survey_link': { 'zh-CN': '评价链接', en: 'survey link' },
  'surveys.error.link_used': { 'zh-CN': '该评价链接已使用，每个链接只能评价一次', en: 'This survey link has been used; each link takes one answer' },
  'surveys.error.link_expired': { 'zh-CN': '该评价链接已过期', en: 'This survey link has expired' },
  'surveys.error.decided': { 'zh-CN': '该回访已处理，无需再定责', en: 'This survey has already been decided' },
  'chat.error.live_taken': { 'zh-CN': '该会话已由其他坐席接入', en: 'Another agent has already taken this chat' },
  'chat.error.live_over': { 'zh-CN': '该会话已结束或不在等候人工', en: 'This chat has ended or is not waiting for an agent' },
  'chat.error.token': { 'zh-CN': '会话凭证无效，请刷新页面重新开始', en: 'The conversation token is not valid; reload the page to start again' },
  'chat.error.rate_limited': {
    'zh-CN': '您发送得太快了，请 {seconds} 秒后再试。如有紧急情况请拨打 12345（危及生命财产安全请拨 110/119/120）',
    en: 'You are sending messages too fast; please try again in {seconds} seconds. For urgent matters call 12345 (emergencies: 110/119/120)',
  },
  'status.error.not_found': {
    'zh-CN': '没有查到该工单：请核对工单编号和来电号码后四位（两项须同时正确）',
    en: 'No ticket found: check the ticket number and the last four digits of your phone (both must be right)',
  },
  'status.error.rate_limited': {
    'zh-CN': '查询过于频繁，请 {seconds} 秒后再试；也可拨打 12345 人工查询',
    en: 'Too many lookups; please try again in {seconds} seconds, or call 12345',
  },
  'entity.hotspot_alert': { 'zh-CN': '热点预警', en: 'hotspot alert' },
  'hotspots.error.already_acknowledged': { 'zh-CN': '该预警已签收，无需重复签收', en: 'This alert has already been acknowledged' },
  'entity.open311_key': { 'zh-CN': 'Open311 接入密钥', en: 'Open311 API key' },
  'open311.error.api_key': { 'zh-CN': 'api_key 缺失或无效', en: 'api_key is missing or not valid' },
  'open311.error.service_code': { 'zh-CN': '缺少 service_code', en: 'service_code is required' },
  'open311.error.unknown_service': { 'zh-CN': '没有这个服务类别：{code}', en: 'No such service_code: {code}' },
  'open311.error.location': { 'zh-CN': '须提供 lat 和 long，或 address_string', en: 'lat and long, or address_string, are required' },
  'open311.error.parameter': { 'zh-CN': '参数 {field} 有误：{issue}', en: 'Parameter {field} is invalid: {issue}' },
  'open311.error.request_not_found': { 'zh-CN': '没有这个服务请求：{id}', en: 'No such service request: {id}' },
  'open311.error.internal': { 'zh-CN': '服务器内部错误，错误编号 {errorId}', en: 'Internal server error, error id {errorId}' },
  'open311.notice.received': {
    'zh-CN': '已受理，编号 {number}。热线将转交承办单位办理，可凭编号查询进度。',
    en: 'Received as {number}. The hotline will pass it to the department responsible; follow it by this number.',
  },
  // Department assessment (考核) and 效能投诉
  'entity.conduct_complaint': { 'zh-CN': '效能投诉', en: 'conduct complaint' },
  'assessment.error.period': { 'zh-CN': '考核期 {period} 有误，须为 2026-11、2026-Q4 或 2026', en: 'Period {period} is not valid; use 2026-11, 2026-Q4 or 2026' },
  'assessment.error.published': { 'zh-CN': '考核期 {period} 已发布，分数已冻结，不能再更改', en: 'Period {period} is published; its scores are frozen and cannot change' },
  'assessment.error.not_over': { 'zh-CN': '考核期 {period} 尚未结束，不能发布', en: 'Period {period} has not ended yet and cannot be published' },
  'assessment.error.ranking_hotline_only': { 'zh-CN': '考核排名仅热线督查和管理人员可查看；部门只能查看本部门得分', en: 'Only hotline supervisors and admins see the ranking; a department sees its own score' },
  'assessment.error.own_department_only': { 'zh-CN': '只能查看本部门的考核得分', en: 'You can only see your own department\'s score' },
  'assessment.error.not_supervisor_item': { 'zh-CN': '考核方案中没有可由督查评分的项目 {item}', en: 'The scheme has no supervisor-scored item {item}' },
  'assessment.error.points_range': { 'zh-CN': '得分须在 0 到 {max} 分之间', en: 'Points must be between 0 and {max}' },
  'assessment.error.bad_department': { 'zh-CN': '部门不存在或不参加考核（热线中心本身不参加）', en: 'No such department, or it is not assessed (the hotline itself is not)' },
  'assessment.error.effective_from': { 'zh-CN': '生效日期须为某月的第一天（YYYY-MM-01）', en: 'The effective date must be the first day of a month (YYYY-MM-01)' },
  'assessment.error.scheme_reaches_published': { 'zh-CN': '生效日期早于已发布考核期 {period} 的结束日，已发布的分数不能按新方案重算', en: 'The effective date falls before the end of published period {period}; published scores cannot be recomputed' },
  'assessment.error.scheme_same_day': { 'zh-CN': '{date} 已有一个生效的方案版本', en: 'A scheme version already takes effect on {date}' },
  'assessment.error.not_complaint': { 'zh-CN': '只有投诉类工单才能标记为效能投诉', en: 'Only complaint tickets can be flagged as conduct complaints' },
  'assessment.error.accused_holds_ticket': { 'zh-CN': '该工单正由被投诉部门（{department}）办理，请先撤回或改派后再标记为效能投诉', en: 'The department complained about ({department}) holds this ticket; withdraw or re-dispatch it before flagging it' },
  'assessment.error.conduct_decided': { 'zh-CN': '该效能投诉已有核查结论，不能更改', en: 'This conduct complaint has been decided already' },
  'assessment.error.conduct_to_accused': { 'zh-CN': '效能投诉不能派给被投诉的部门（{department}），须由效能监督部门办理', en: 'A conduct complaint cannot go to the department it is about ({department}); the supervision office handles it' },
  'assessment.error.conduct_lead': { 'zh-CN': '效能投诉须由效能监督部门（{office}）主办', en: 'A conduct complaint must be led by the supervision office ({office})' },
  'assessment.error.no_supervision_office': { 'zh-CN': '尚未设置效能监督部门，效能投诉无法派单，请管理员先设置', en: 'No supervision office is set, so a conduct complaint cannot be dispatched; an admin must name one first' },
};

/** Picks the language from an Accept-Language header: English only when the client prefers it over Chinese. */
export function pickLanguage(acceptLanguage: string | undefined): Language {
  if (!acceptLanguage) return 'zh-CN';
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.find((r) => r.trim().startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}

/** Formats a catalogued message; an unknown key falls back to the key itself so nothing is ever blank. */
export function translate(key: string, language: Language, params: Params = {}): string {
  const entry = catalog[key];
  const template = entry ? entry[language] : key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) return `{${name}}`;
    // Entity names are themselves catalogued ("entity.user" → 用户 / user).
    return typeof value === 'string' && catalog[value] ? catalog[value][language] : String(value);
  });
}
