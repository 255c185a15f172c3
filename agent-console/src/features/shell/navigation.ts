/**
 * The console's navigation table. Each feature is one row: where it lives, the server ability that
 * shows it (null: everyone signed in), its icon and label, and its page, loaded on first visit.
 * The console holds no role logic: the server's `user.abilities` decides what appears.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import {
  AlertOutlined, ApartmentOutlined, AuditOutlined, BarChartOutlined, BookOutlined, CheckSquareOutlined, CommentOutlined, DashboardOutlined,
  FileSearchOutlined, FileTextOutlined, FormOutlined, HistoryOutlined, HomeOutlined, InboxOutlined, MobileOutlined, PhoneOutlined,
  QuestionCircleOutlined, SafetyCertificateOutlined, SoundOutlined, TagsOutlined, TeamOutlined, TrophyOutlined,
} from '@ant-design/icons';

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
  /** False keeps the page out of the menu and the home page (detail pages reached by links, e.g. `/tickets/:id`). */
  menu?: false;
};

export const NAVIGATION: readonly NavigationItem[] = [
  { path: '/', ability: null, icon: HomeOutlined, labelKey: 'nav.home', page: lazy(() => import('../home/HomePage.tsx')) },
  { path: '/tickets/new', ability: 'tickets.register', icon: FormOutlined, labelKey: 'tickets.nav.register', descriptionKey: 'tickets.features.register', page: lazy(() => import('../tickets/RegisterTicketPage.tsx')) },
  { path: '/tickets', ability: 'tickets.read', icon: FileTextOutlined, labelKey: 'tickets.nav.list', descriptionKey: 'tickets.features.list', page: lazy(() => import('../tickets/TicketListPage.tsx')) },
  { path: '/tickets/:id', ability: 'tickets.read', icon: FileTextOutlined, labelKey: 'tickets.nav.detail', menu: false, page: lazy(() => import('../tickets/TicketPage.tsx')) },
  { path: '/department/inbox', ability: 'assignments.work', icon: InboxOutlined, labelKey: 'tickets.nav.inbox', descriptionKey: 'tickets.features.inbox', page: lazy(() => import('../department/DepartmentInboxPage.tsx')) },
  { path: '/supervision/review', ability: 'tickets.review', icon: CheckSquareOutlined, labelKey: 'tickets.nav.review', descriptionKey: 'tickets.features.review', page: lazy(() => import('../supervision/ReviewQueuesPage.tsx')) },
  { path: '/supervision/board', ability: 'tickets.supervise', icon: AlertOutlined, labelKey: 'tickets.nav.board', descriptionKey: 'tickets.features.board', page: lazy(() => import('../supervision/SupervisionBoardPage.tsx')) },
  { path: '/surveys/queue', ability: 'surveys.queue', icon: PhoneOutlined, labelKey: 'surveys.nav.queue', descriptionKey: 'surveys.home.queue', page: lazy(() => import('../surveys/SurveyQueuePage.tsx')) },
  { path: '/surveys/figures', ability: 'surveys.figures', icon: DashboardOutlined, labelKey: 'surveys.nav.figures', descriptionKey: 'surveys.home.figures', page: lazy(() => import('../surveys/SatisfactionPage.tsx')) },
  { path: '/surveys/policy', ability: 'surveys.policy', icon: FormOutlined, labelKey: 'surveys.nav.policy', descriptionKey: 'surveys.home.policy', page: lazy(() => import('../surveys/SurveyPolicyPage.tsx')) },
  { path: '/calls/missed', ability: 'calls.answer', icon: PhoneOutlined, labelKey: 'calls.nav.missed', descriptionKey: 'calls.home.missed', page: lazy(() => import('../calls/MissedCallsPage.tsx')) },
  { path: '/calls/voicemails', ability: 'calls.answer', icon: SoundOutlined, labelKey: 'calls.nav.voicemails', descriptionKey: 'calls.home.voicemails', page: lazy(() => import('../calls/VoicemailsPage.tsx')) },
  { path: '/calls/history', ability: 'calls.answer', icon: HistoryOutlined, labelKey: 'calls.nav.history', descriptionKey: 'calls.home.history', page: lazy(() => import('../calls/CallHistoryPage.tsx')) },
  { path: '/calls/wrap-up-codes', ability: 'calls.manageWrapUpCodes', icon: TagsOutlined, labelKey: 'wrapUp.nav', descriptionKey: 'wrapUp.home', page: lazy(() => import('../wrap-up/WrapUpCodesPage.tsx')) },
  { path: '/hotspots', ability: 'hotspots.read', icon: AlertOutlined, labelKey: 'hotspots.nav', descriptionKey: 'hotspots.home', page: lazy(() => import('../hotspots/HotspotsPage.tsx')) },
  { path: '/wallboard', ability: 'calls.supervise', icon: DashboardOutlined, labelKey: 'calls.nav.wallboard', descriptionKey: 'calls.home.wallboard', page: lazy(() => import('../wallboard/WallboardPage.tsx')) },
  { path: '/reports', ability: 'reports.read', icon: BarChartOutlined, labelKey: 'reports.nav', descriptionKey: 'reports.home', page: lazy(() => import('../reports/ReportsPage.tsx')) },
  { path: '/assessment', ability: 'assessment.read', icon: TrophyOutlined, labelKey: 'assessment.nav', descriptionKey: 'assessment.home', page: lazy(() => import('../assessment/AssessmentPage.tsx')) },
  { path: '/calls/caller-phone', ability: 'calls.answer', icon: MobileOutlined, labelKey: 'calls.nav.callerPhone', descriptionKey: 'calls.home.callerPhone', page: lazy(() => import('../caller-phone/CallerPhonePage.tsx')) },
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
  { path: '/chat/live', ability: 'chat.live', icon: CommentOutlined, labelKey: 'liveChat.nav', descriptionKey: 'liveChat.home', page: lazy(() => import('../chat/LiveChatPage.tsx')) },
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
  return NAVIGATION.filter((item) => item.menu !== false && canOpen(item, abilities));
}

/** A stable test id for a menu entry: `nav-directory-departments` for `/directory/departments`, `nav-home` for `/`. */
export function navigationTestId(item: NavigationItem): string {
  return item.path === '/' ? 'nav-home' : `nav-${item.path.slice(1).replace(/\//g, '-')}`;
}
