/**
 * The console's navigation table. Each feature is one row: where it lives, the server ability that
 * shows it (null: everyone signed in), its icon and label, and its page, loaded on first visit.
 * The console holds no role logic: the server's `user.abilities` decides what appears.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import { ApartmentOutlined, AuditOutlined, BookOutlined, CommentOutlined, FileSearchOutlined, HomeOutlined, QuestionCircleOutlined, SafetyCertificateOutlined, TeamOutlined } from '@ant-design/icons';

export type NavigationItem = {
  /** Route path, also the menu key. */
  path: string;
  /** Ability key from `user.abilities` that must be true; null for pages every signed-in user has. */
  ability: string | null;
  icon: ComponentType;
  /** i18n key of the menu label. */
  labelKey: string;
  /** i18n key of the one-line description on the home page; omitted for the home page itself. */
  descriptionKey?: string;
  page: LazyExoticComponent<ComponentType>;
};

export const NAVIGATION: readonly NavigationItem[] = [
  { path: '/', ability: null, icon: HomeOutlined, labelKey: 'nav.home', page: lazy(() => import('../home/HomePage.tsx')) },
  {
    path: '/directory/departments',
    ability: 'directory.read',
    icon: ApartmentOutlined,
    labelKey: 'nav.departments',
    descriptionKey: 'home.features.departments',
    page: lazy(() => import('../directory/DepartmentsPage.tsx')),
  },
  {
    path: '/directory/users',
    ability: 'directory.read',
    icon: TeamOutlined,
    labelKey: 'nav.users',
    descriptionKey: 'home.features.users',
    page: lazy(() => import('../directory/UsersPage.tsx')),
  },
  {
    path: '/knowledge/search',
    ability: 'knowledge.search',
    icon: FileSearchOutlined,
    labelKey: 'nav.knowledgeSearch',
    descriptionKey: 'home.features.knowledgeSearch',
    page: lazy(() => import('../knowledge/KnowledgeSearchPage.tsx')),
  },
  {
    path: '/knowledge/entries',
    ability: 'knowledge.manage',
    icon: BookOutlined,
    labelKey: 'nav.knowledge',
    descriptionKey: 'home.features.knowledge',
    page: lazy(() => import('../knowledge/KnowledgeEntriesPage.tsx')),
  },
  {
    path: '/knowledge/review',
    ability: 'knowledge.review',
    icon: SafetyCertificateOutlined,
    labelKey: 'nav.knowledgeReview',
    descriptionKey: 'home.features.knowledgeReview',
    page: lazy(() => import('../knowledge/KnowledgeReviewPage.tsx')),
  },
  {
    path: '/knowledge/gaps',
    ability: 'knowledge.curate',
    icon: QuestionCircleOutlined,
    labelKey: 'nav.knowledgeGaps',
    descriptionKey: 'home.features.knowledgeGaps',
    page: lazy(() => import('../knowledge/KnowledgeGapsPage.tsx')),
  },
  {
    path: '/chat/conversations',
    ability: 'chat.read',
    icon: CommentOutlined,
    labelKey: 'nav.chat',
    descriptionKey: 'home.features.chat',
    page: lazy(() => import('../chat/ChatConversationsPage.tsx')),
  },
  {
    path: '/audit',
    ability: 'audit.read',
    icon: AuditOutlined,
    labelKey: 'nav.audit',
    descriptionKey: 'home.features.audit',
    page: lazy(() => import('../audit/AuditLogPage.tsx')),
  },
];

/** True when the server lets this user open the item. */
export function canOpen(item: NavigationItem, abilities: Record<string, boolean>): boolean {
  return item.ability === null || abilities[item.ability] === true;
}

/** The navigation items this user may see, in table order. */
export function visibleNavigation(abilities: Record<string, boolean>): NavigationItem[] {
  return NAVIGATION.filter((item) => canOpen(item, abilities));
}

/** A stable test id for a menu entry: `nav-directory-departments` for `/directory/departments`, `nav-home` for `/`. */
export function navigationTestId(item: NavigationItem): string {
  return item.path === '/' ? 'nav-home' : `nav-${item.path.slice(1).replace(/\//g, '-')}`;
}
