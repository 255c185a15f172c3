/** 中文 / EN switch; the choice is remembered and sent as Accept-Language on every API call. */
import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { changeLanguage, currentLanguage, LANGUAGES, type Language } from '../../i18n/index.ts';

const SHORT_LABEL: Record<Language, string> = { 'zh-CN': '中文', en: 'EN' };

export function LanguageSwitch({ size = 'small' }: { size?: 'small' | 'middle' }) {
  const { t } = useTranslation();
  return (
    <Segmented<Language>
      data-testid="language-switch"
      aria-label={t('language.label')}
      size={size}
      value={currentLanguage()}
      onChange={(language) => void changeLanguage(language)}
      options={LANGUAGES.map((language) => ({
        value: language,
        title: t(`language.${language}`),
        label: <span data-testid={`language-${language}`}>{SHORT_LABEL[language]}</span>,
      }))}
    />
  );
}
