/**
 * Text normalisation shared by the matcher, its index and other modules (search highlighting, dedup of
 * unanswered questions). Pure and total: any string in, a cleaned string out, never a throw.
 */
import { Converter } from 'opencc-js';

/** Queries longer than this are cut: callers paste whole letters, only the start says what they ask. */
export const MAX_TEXT_CHARS = 300;

// Traditional (Taiwan/Hong Kong variants included) to mainland simplified, with phrase conversion.
const toSimplified = Converter({ from: 't', to: 'cn' });

const DIGITS: Readonly<Record<string, number>> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const UNITS: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000 };

// A single numeral followed by one of these is a count ("三天", "两个"), not part of a word ("统一").
const MEASURE_WORDS =
  '个岁年月日号天次元块本张级楼层人套间周时分秒点斤米倍名位辆台部集季期代章门项件家所份道条栋户';
const NUMERAL_RUN = /[零〇一二两三四五六七八九十百千万亿]+/g;

/**
 * Parses a Chinese numeral such as 二十三, 一千零五, 两万, 二〇二四. Returns null for runs that are words
 * rather than numbers (千万 "by all means", 万一 "in case", 百 in 百度).
 */
export function parseChineseNumber(run: string): number | null {
  if (run.length === 0) return null;
  // Digit-by-digit years and codes: 二〇二四 → 2024.
  if (run.length >= 2 && [...run].every((c) => c in DIGITS && c !== '两')) {
    return Number([...run].map((c) => DIGITS[c]).join(''));
  }
  const first = run[0] as string;
  if (!(first in DIGITS) && first !== '十') return null;
  let total = 0;
  let section = 0;
  let digit = -1;
  for (const c of run) {
    if (c in DIGITS) {
      if (digit > 0 && DIGITS[c] !== 0) return null; // two digits in a row without a unit: not a number (零 only holds a place)
      digit = DIGITS[c] as number;
      continue;
    }
    if (c in UNITS) {
      const unit = UNITS[c] as number;
      section += (digit < 0 ? 1 : digit) * unit;
      digit = -1;
      continue;
    }
    const big = c === '万' ? 10_000 : 100_000_000;
    section += digit < 0 ? 0 : digit;
    if (section === 0) return null;
    total += section * big;
    section = 0;
    digit = -1;
  }
  return total + section + (digit < 0 ? 0 : digit);
}

function convertNumerals(text: string): string {
  return text.replace(NUMERAL_RUN, (run: string, offset: number) => {
    const next = text[offset + run.length] ?? '';
    const prev = offset > 0 ? (text[offset - 1] as string) : '';
    const hasUnit = /[十百千万亿]/.test(run);
    const isCount = run.length === 1 && (MEASURE_WORDS.includes(next) || prev === '第');
    const isDigitRun = run.length >= 2 && !hasUnit;
    if (!hasUnit && !isCount && !isDigitRun) return run;
    if (run === '十' && next === '分') return run; // 十分 means "very"
    const value = parseChineseNumber(run);
    return value === null ? run : String(value);
  });
}

// Full-width forms and the ideographic space: most text has none, and then it is returned as it is.
const FULL_WIDTH = /[\u3000\uff01-\uff5e]/;

function toHalfWidth(text: string): string {
  if (!FULL_WIDTH.test(text)) return text;
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (code === 0x3000) out += ' ';
    else if (code >= 0xff01 && code <= 0xff5e) out += String.fromCodePoint(code - 0xfee0);
    else out += ch;
  }
  return out;
}

// Letters, digits and CJK ideographs carry meaning; everything else (punctuation, symbols, emoji,
// control characters, private use) becomes a space. % and . inside numbers are kept.
const NOISE = /[^\p{Script=Han}\p{L}\p{N}%.\s]|[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/gu;

/**
 * Normalises text for matching: cut to MAX_TEXT_CHARS, full-width → half-width, traditional → simplified,
 * lower case, punctuation/emoji/control characters → space, Chinese numerals → Arabic digits.
 * Spaces are kept between Latin words only.
 */
export function normaliseText(input: unknown, maxChars = MAX_TEXT_CHARS): string {
  if (typeof input !== 'string' || input.length === 0) return '';
  // A string of at most maxChars UTF-16 units has at most that many characters: nothing to cut or split.
  let text = input.length <= maxChars ? input : [...input].slice(0, maxChars).join('');
  text = toHalfWidth(text).normalize('NFKC');
  text = toSimplified(text).toLowerCase();
  text = text.replace(NOISE, ' ');
  // A dot is only worth keeping between digits (1.5 万); elsewhere it is punctuation.
  text = text.replace(/(?<!\d)\.|\.(?!\d)/g, ' ');
  text = convertNumerals(text);
  // Drop spaces next to Chinese characters (ASR and typists put them anywhere), keep them between words.
  text = text.replace(/\s+/g, ' ').trim();
  text = text.replace(/(?<=\p{Script=Han}) | (?=\p{Script=Han})/gu, '');
  return text;
}
