/**
 * Reading what a citizen typed (or said): cleaning hostile or broken input, telling English from Chinese,
 * and recognising the few things that are commands rather than questions — 转人工, a numbered choice, a
 * ticket-status lookup. Pure functions; nothing here touches the database.
 */
import { MAX_TEXT_CHARS, normaliseText } from '../../../../knowledge-base/src/index.ts';

/** What is stored of one message; the matcher itself reads only the first MAX_TEXT_CHARS. */
export const MAX_STORED_CHARS = 2000;
export const MAX_MATCHED_CHARS = MAX_TEXT_CHARS;

export type CleanInput = {
  /** Cleaned text, cut to MAX_STORED_CHARS. */
  text: string;
  /** Characters (code points) the citizen sent, after cleaning. */
  length: number;
  /** True when the question is longer than the matcher reads. */
  truncated: boolean;
};

/**
 * Control and formatting characters (zero-width, bidi overrides) removed, lone surrogates repaired, Unicode
 * composed, whitespace collapsed. Emoji and every script are kept: they are text, and the matcher ignores
 * what it cannot use.
 */
export function cleanInput(raw: string): CleanInput {
  // Lone surrogates (broken emoji) become U+FFFD, as String#toWellFormed does.
  let text = raw.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD').normalize('NFC');
  text = text.replace(/[\p{Cc}]/gu, (c: string) => (c === '\n' || c === '\t' || c === '\r' ? ' ' : ''));
  text = text.replace(/[\p{Cf}\p{Co}\p{Cn}]/gu, '');
  text = text.replace(/\s+/g, ' ').trim();
  const chars = [...text];
  return { text: chars.slice(0, MAX_STORED_CHARS).join(''), length: chars.length, truncated: chars.length > MAX_MATCHED_CHARS };
}

/** English when the citizen wrote Latin letters and no Chinese at all; mixed text is read as Chinese. */
export function detectLanguage(text: string): 'zh-CN' | 'en' {
  const han = (text.match(/\p{Script=Han}/gu) ?? []).length;
  const latin = (text.match(/[A-Za-z]/g) ?? []).length;
  return han === 0 && latin >= 2 ? 'en' : 'zh-CN';
}

const HANDOFF = /(转人工|人工客服|人工服务|人工坐席|找人工|要人工|接人工|真人|人工$|^人工)|\b(agent|human|operator|real person)\b/i;

/** "转人工" and its kin, in either language, anywhere in a short message. */
export function wantsAgent(text: string): boolean {
  return [...text].length <= 40 && HANDOFF.test(text);
}

const CANCEL = /^(取消|算了|不用了|cancel|never ?mind)$/i;
export function isCancel(text: string): boolean {
  return CANCEL.test(text.trim());
}

const YES = /^(是|是的|对|对的|对啊|嗯|嗯嗯|好|好的|没错|就是|就是这个|yes|y|yeah|ok|okay)$/i;

/** A yes to a question ("您是想问…吗？"): 是, 对的, 嗯, yes. */
export function isYes(text: string): boolean {
  return YES.test(text.trim().replace(/[。.!！,，~～\s]/g, ''));
}

const CHINESE_DIGIT: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** A numbered choice: "2", "２", "第二个", "选3", "二", "number 2". Null when the text is something else. */
export function parseChoice(text: string): number | null {
  const t = text.trim().replace(/[。.!！,，\s]/g, '').toLowerCase();
  const m = /^(?:选|选择|第|no|number|#)?([1-9１-９一二两三四五六七八九])(?:个|条|项|号|吧)?$/.exec(t);
  if (!m) return null;
  const d = m[1]!;
  if (d in CHINESE_DIGIT) return CHINESE_DIGIT[d]!;
  return Number(normaliseText(d));
}

/** A 19-digit ticket number (12345 + yyyyMMdd + 6 digits) anywhere in the text. */
const TICKET_NUMBER = /12345\d{14}/;
const STATUS_WORDS = /(查询?工单|工单(进度|状态|查询)|查进度|办理进度|处理进度|办到哪|\bstatus\b|\btrack\b)/i;

export type StatusQuery = { number: string | null; lastFour: string | null };

/** A ticket-status question: the number and/or the phone's last four digits, or just the wish to ask. */
export function parseStatusQuery(text: string): StatusQuery | null {
  const compact = text.replace(/[\s-]/g, '');
  const number = TICKET_NUMBER.exec(compact)?.[0] ?? null;
  const rest = number ? compact.replace(number, ' ') : compact;
  const lastFour = /(?<!\d)\d{4}(?!\d)/.exec(rest)?.[0] ?? null;
  if (number) return { number, lastFour };
  if (STATUS_WORDS.test(text)) return { number: null, lastFour: null };
  return null;
}

/** Exactly four digits (the answer to "the last four digits of your phone?"). */
export function parseLastFour(text: string): string | null {
  return /^\s*(\d{4})\s*$/.exec(text)?.[1] ?? null;
}

const CONNECTIVE = /^(那|那么|还有|另外|然后|它|这个|如果|要是)/;

/**
 * Keywords that name what one asks about a subject rather than the subject (材料, 办理 …): a question with
 * only these ("需要什么材料") leans on the subject of the previous one.
 */
export const GENERIC_KEYWORDS: ReadonlySet<string> = new Set([
  '材料', '办理', '申请', '申领', '查询', '投诉', '举报', '条件', '流程', '手续', '费用', '收费', '时间', '多久', '到账', '缴费', '缴纳',
  '补办', '报修', '维修', '安全', '价格', '额度', '比例', '报销', '转移', '续签', '换证', '登记', '备案', '挂失', '注册', '开户', '过户', '签约',
]);

/**
 * Text that leans on the previous question ("那需要什么材料"): it names no subject of its own and is short,
 * or it opens with a connective (那, 还有 …) and names none either.
 */
export function looksLikeFollowUp(text: string, namesOwnTopic: boolean): boolean {
  if (namesOwnTopic) return false;
  const n = normaliseText(text);
  return n.length <= 16 || CONNECTIVE.test(n);
}

/** A mainland mobile or landline number in free text, for a request left on the web. */
export function findPhone(text: string): string | null {
  const compact = text.replace(/[\s-]/g, '');
  return /(?<!\d)(1[3-9]\d{9}|0\d{2,3}\d{7,8})(?!\d)/.exec(compact)?.[1] ?? null;
}

/**
 * English words the knowledge base's Chinese entries answer, so an English question finds them. Small on
 * purpose: the bot says plainly that its answers are in Chinese, and offers a person.
 */
const GLOSSARY: [RegExp, string][] = [
  [/\bhousing (provident )?fund\b|\bprovident fund\b/i, '公积金'],
  [/\bresidence permit\b|\bresidency permit\b/i, '居住证'],
  [/\bhukou\b|\bhousehold registration\b/i, '户口'],
  [/\bid card\b|\bidentity card\b/i, '身份证'],
  [/\bpassport\b/i, '护照'],
  [/\bvisa\b|\bexit-entry\b/i, '出入境'],
  [/\bsocial (security|insurance)\b/i, '社保'],
  [/\bsocial security card\b/i, '社保卡'],
  [/\bmedical insurance\b|\bhealth insurance\b/i, '医保'],
  [/\bdriv(er'?s|ing) licen[cs]e\b/i, '驾驶证'],
  [/\bbusiness licen[cs]e\b/i, '营业执照'],
  [/\bincome tax\b|\btax\b/i, '个税'],
  [/\binvoice\b/i, '发票'],
  [/\bwater bill\b/i, '水费'],
  [/\belectricity bill\b|\bpower bill\b/i, '电费'],
  [/\bpower (cut|outage)\b|\bblackout\b/i, '停电'],
  [/\bwater (cut|outage)\b|\bno water\b/i, '停水'],
  [/\bgas leak\b|\bsmell of gas\b|\bsmell gas\b/i, '闻到燃气味'],
  [/\bnoise\b|\bnoisy\b|\bloud\b/i, '噪音扰民'],
  [/\bmarriage\b|\bget married\b/i, '结婚登记'],
  [/\bdivorce\b/i, '离婚登记'],
  [/\bschool\b|\benrol(l)?ment\b/i, '入学'],
  [/\bkindergarten\b/i, '幼儿园'],
  [/\bunemployment\b/i, '失业金'],
  [/\bunpaid wages?\b|\bwages? (not paid|owed)\b/i, '拖欠工资'],
  [/\btraffic (violation|ticket|fine)s?\b/i, '交通违法'],
  [/\bproperty (certificate|registration)\b/i, '不动产登记'],
  [/\bdoctor'?s? appointment\b|\bhospital appointment\b/i, '预约挂号'],
  [/\bvaccin(e|ation)\b/i, '疫苗接种'],
  [/\bpublic rental housing\b/i, '公租房'],
];
const INTENTS: [RegExp, string][] = [
  [/\b(lost|replace|replacement)\b/i, '丢了怎么补办'],
  [/\b(expired?|renew(al)?)\b/i, '过期了怎么换'],
  [/\b(pay|payment)\b/i, '怎么缴纳'],
  [/\b(complain|complaint|report)\b/i, '怎么投诉'],
  [/\b(withdraw|withdrawal|take out)\b/i, '怎么提取'],
  [/\b(documents?|materials?|what do i need)\b/i, '需要什么材料'],
  [/\b(apply|application|get|how)\b/i, '怎么办理'],
];

/** The Chinese the entries are written in for an English question, and its subject terms; null when no term is known. */
export function englishToChinese(text: string): { query: string; terms: string[] } | null {
  const terms = [...new Set(GLOSSARY.filter(([re]) => re.test(text)).map(([, zh]) => zh))];
  if (terms.length === 0) return null;
  const intent = INTENTS.find(([re]) => re.test(text))?.[1] ?? '';
  return { query: terms.join(' ') + intent, terms };
}

/**
 * Other readings of a Chinese message worth matching besides the whole: without its Latin words (mixed
 * scripts), and its first sentence (a long message usually opens with the question).
 */
export function questionVariants(text: string): string[] {
  const variants = [text];
  if (/\p{Script=Han}/u.test(text) && /[A-Za-z]{2,}/.test(text)) variants.push(text.replace(/[A-Za-z][A-Za-z'’-]*/g, ' ').replace(/\s+/g, ' ').trim());
  const first = /^[^。？！?!\n]{4,80}[。？！?!]/.exec(text)?.[0];
  if (first && first.length < text.length) variants.push(first);
  return [...new Set(variants.filter((v) => v.length > 0))];
}
