/** 待审核: the hotline's review queue — the management page opened on the entries waiting for review. */
import { KnowledgeEntries } from './KnowledgeEntriesPage.tsx';

export default function KnowledgeReviewPage() {
  return <KnowledgeEntries initialTab="review" />;
}
