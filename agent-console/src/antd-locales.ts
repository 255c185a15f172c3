/**
 * Ant Design's locale packs. antd ships them as CommonJS without package `exports`, so TypeScript
 * (nodenext) types the default import as the whole module while Vite hands over `module.default`
 * already; `interopDefault` accepts both so the types and the bundle agree.
 */
import type { Locale } from 'antd/es/locale/index.js';
import zhCNModule from 'antd/locale/zh_CN.js';
import enUSModule from 'antd/locale/en_US.js';

function interopDefault<T>(module: { default: T }): T {
  return (module as { default?: T }).default ?? (module as unknown as T);
}

export const antdLocales: Record<'zh-CN' | 'en', Locale> = {
  'zh-CN': interopDefault(zhCNModule),
  en: interopDefault(enUSModule),
};
