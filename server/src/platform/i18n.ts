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
  'entity.department': { 'zh-CN': '部门', en: 'department' },
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
