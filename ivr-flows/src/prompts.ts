/**
 * Turns prompts into say steps in the caller's current language.
 */
import type { Language, Prompt, SayStep } from './schema.ts';

/** The say steps for a prompt: localized segments in `language`, fixed segments in their own language. */
export function renderPrompt(prompt: Prompt, language: Language): SayStep[] {
  return prompt.map((segment) => {
    if (segment.text !== undefined && segment.language !== undefined) {
      return { kind: 'say', text: segment.text, language: segment.language };
    }
    // The schema guarantees both languages; zh-CN is the safety net should a hand-built flow skip one.
    const text = segment[language] ?? segment['zh-CN'] ?? segment.en ?? '';
    return { kind: 'say', text, language };
  });
}
