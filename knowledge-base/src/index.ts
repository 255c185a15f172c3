/**
 * Public API of the knowledge-base engine: a pure library (no database, no network) that other modules
 * (modules/knowledge, modules/chat, the console's suggestions) call.
 *
 *   const matcher = createMatcher(entries);
 *   const { outcome, match, confidence, suggestions } = matcher.match('公积金怎么提取');
 *   matcher.upsert(entry); matcher.remove(id);   // on LISTEN/NOTIFY
 */
export { createMatcher, scoreConfidence, scorePair, isBareTopic, needsHomophone } from './matcher.ts';
export type { PairModel, Matcher, MatcherOptions, MatchResult, MatchCandidate, MatchOutcome, InspectedCandidate } from './matcher.ts';
export { normaliseText, MAX_TEXT_CHARS, parseChineseNumber } from './normalise.ts';
export { analyseText, getSegmenter, fuzzyPinyin } from './analyse.ts';
export type { AnalysedText } from './analyse.ts';
export { knowledgeEntrySchema, parseKnowledgeLines, loadKnowledgeFile, loadKnowledgeDir, KnowledgeFileError, DEPARTMENT_CODES } from './entry.ts';
export type { KnowledgeEntry } from './entry.ts';
