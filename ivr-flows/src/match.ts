/**
 * Understanding what a caller pressed or said at a menu or rating node.
 *
 * Speech is matched on keywords, longest first, so "不满意" beats "满意" and "基本满意" beats both. A caller
 * who says the key instead of pressing it ("三", "按3", "press three") is understood too.
 */

/** A choice a caller can make: by key, by keywords, or both. */
export interface Choice {
  key?: string | undefined;
  keywords?: readonly string[] | undefined;
}

const SPOKEN_DIGITS: Readonly<Record<string, string>> = {
  零: '0', 〇: '0', 一: '1', 幺: '1', 壹: '1', 二: '2', 两: '2', 贰: '2', 三: '3', 叁: '3', 四: '4', 肆: '4',
  五: '5', 伍: '5', 六: '6', 陆: '6', 七: '7', 柒: '7', 八: '8', 捌: '8', 九: '9', 玖: '9',
  zero: '0', oh: '0', one: '1', two: '2', to: '2', too: '2', three: '3', four: '4', for: '4', five: '5', six: '6',
  seven: '7', eight: '8', nine: '9',
};

/** Lower-case, width-folded, without spaces or punctuation: how both keywords and transcripts are compared. */
export function normalizeSpeech(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

/**
 * The key a transcript names when the caller said a key rather than pressing it ("三", "按3号键", "press 3"),
 * or undefined. Only a bare key counts: "三个月了还没解决" is not a 3.
 */
export function spokenKey(text: string): string | undefined {
  const words = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .trim();
  // Spoken English arrives in words; strip "press"/"number" and keep what is left.
  const english = words.replace(/\b(press|number|option|key|please)\b/g, ' ').trim();
  if (/^[a-z]+$/.test(english)) return SPOKEN_DIGITS[english];
  if (/^[0-9]$/.test(english)) return english;
  const chinese = normalizeSpeech(words).replace(/^(我)?(请)?(选择|选|按)/, '').replace(/(号键|号|键)$/, '');
  if (/^[0-9]$/.test(chinese)) return chinese;
  return chinese.length === 1 ? SPOKEN_DIGITS[chinese] : undefined;
}

/** The index of the choice whose key was pressed, or -1. */
export function matchDigits<T extends Choice>(choices: readonly T[], digits: string): number {
  return choices.findIndex((choice) => choice.key === digits);
}

/** The index of the choice the caller named, by the longest matching keyword or a spoken key, or -1. */
export function matchSpeech<T extends Choice>(choices: readonly T[], text: string): number {
  const heard = normalizeSpeech(text);
  if (heard === '') return -1;
  let best = -1;
  let bestLength = 0;
  choices.forEach((choice, index) => {
    for (const keyword of choice.keywords ?? []) {
      const word = normalizeSpeech(keyword);
      if (word.length > bestLength && heard.includes(word)) {
        best = index;
        bestLength = word.length;
      }
    }
  });
  if (best >= 0) return best;
  const key = spokenKey(text);
  return key === undefined ? -1 : matchDigits(choices, key);
}

/** Keywords to hand the speech recogniser as hints, without repeats. */
export function collectHints(choices: readonly Choice[]): string[] {
  return [...new Set(choices.flatMap((choice) => choice.keywords ?? []))];
}
