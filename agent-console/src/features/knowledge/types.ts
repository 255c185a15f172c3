/** Shapes of the knowledge-base API as the console reads them (see server/src/modules/knowledge/knowledge.schema.ts). */
export type KbState = 'draft' | 'review' | 'published' | 'archived';
export type EntryAction = 'edit' | 'submit' | 'publish' | 'reject' | 'archive' | 'restore';

export type KnowledgeEntry = {
  id: string;
  code: string;
  state: KbState;
  departmentCode: string | null;
  departmentName: string | null;
  topic: string | null;
  question: string;
  answer: string;
  alternates: string[];
  keywords: string[];
  version: number;
  liveVersion: number | null;
  reviewDueOn: string | null;
  stale: boolean;
  isSample: boolean;
  reviewNote: string | null;
  updatedAt: string;
  publishedAt: string | null;
  actions: EntryAction[];
};

export type EntryVersion = { version: number; question: string; answer: string; note: string | null; createdBy: string | null; createdAt: string };
export type EntryDetail = KnowledgeEntry & { versions: EntryVersion[] };
export type EntryList = { items: KnowledgeEntry[]; counts: Record<string, number> };

export type Segment = { text: string; hit: boolean };
export type SearchHit = { id: string; code: string; question: Segment[]; answer: Segment[]; departmentCode: string | null; confidence: number };
export type Suggestion = { id: string; code: string; question: string; answer: string; departmentCode: string | null; confidence: number };

export type GapGroup = {
  key: string;
  count: number;
  lastAt: string;
  channels: string[];
  reasons: string[];
  examples: string[];
  bestEntry: { id: string; code: string; question: string } | null;
};

export type ImportResult = { created: number; updated: number; unchanged: number; errors: { line: number; code: string | null; message: string }[] };
