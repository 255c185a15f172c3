/**
 * Sound-alike repair: a known term misspelt by a caller or by speech recognition with characters of the same
 * sound (电飞 → 电费, 户照 → 护照, 劳动中裁 → 劳动仲裁). The pinyin channel already lets a short question match
 * through such a slip; in a long one the slip is one word among many and the pair model, which never saw it,
 * weighs it as a word the entry lacks. Repairing the text first lets the rest of the question count.
 *
 * Only the vocabulary that matters is repaired to: the government terms (lexicon.ts) and the knowledge base's
 * keywords. A stretch is rewritten only when it is not itself a word of jieba's general dictionary (so 只是 is
 * never "repaired" to 知识), and the matcher confirms a repaired match rather than answering it (matcher.ts).
 */
import { fuzzyPinyin, getGeneralIdf } from './analyse.ts';
import { GOVERNMENT_TERMS } from './lexicon.ts';

const HAN = /^\p{Script=Han}+$/u;
const MIN_TERM = 2;
const MAX_TERM = 6;

export interface SoundRepair {
  /** Adds terms to repair to (an entry's keywords); terms are never removed: an old spelling target is harmless. */
  add(terms: Iterable<string>): void;
  /** The normalised text with sound-alike misspellings of known terms replaced, or null when nothing changed. */
  repair(normalised: string): string | null;
}

export function createSoundRepair(): SoundRepair {
  // Terms by the fuzzy pinyin of their first character, longest first: a text is walked once, and at each
  // character only the terms starting with its sound are compared.
  const byFirstSound = new Map<string, { term: string; sounds: string[] }[]>();
  const seen = new Set<string>();
  const add = (terms: Iterable<string>): void => {
    for (const term of terms) {
      if (term.length < MIN_TERM || term.length > MAX_TERM || !HAN.test(term) || seen.has(term)) continue;
      seen.add(term);
      const sounds = [...term].map(fuzzyPinyin);
      const list = byFirstSound.get(sounds[0] as string) ?? [];
      list.push({ term, sounds });
      list.sort((a, b) => b.sounds.length - a.sounds.length);
      byFirstSound.set(sounds[0] as string, list);
    }
  };
  add(GOVERNMENT_TERMS);

  /** The term a stretch starting at `at` misspells, and its length; or how long a correct stretch to keep is. */
  const termAt = (chars: readonly string[], sounds: readonly string[], at: number): { term?: string; length: number } => {
    for (const { term, sounds: want } of byFirstSound.get(sounds[at] as string) ?? []) {
      if (at + want.length > chars.length || !want.every((s, k) => sounds[at + k] === s)) continue;
      const window = chars.slice(at, at + want.length).join('');
      if (!HAN.test(window)) continue;
      // The term itself, or another real word that sounds the same (只是 is not 知识): kept as it is.
      if (window === term || getGeneralIdf().has(window)) return { length: want.length };
      return { term, length: want.length };
    }
    return { length: 1 };
  };

  return {
    add,
    repair(normalised) {
      const chars = [...normalised];
      const sounds = chars.map(fuzzyPinyin);
      let changed = false;
      const out: string[] = [];
      for (let i = 0; i < chars.length; ) {
        const { term, length } = termAt(chars, sounds, i);
        if (term !== undefined) {
          out.push(term);
          changed = true;
        } else out.push(...chars.slice(i, i + length));
        i += length;
      }
      return changed ? out.join('') : null;
    },
  };
}
