/** Google Cloud Speech-to-Text behind the `SpeechToText` port (see `ports/speech-to-text.ts`). */
export { createGoogleSpeechToText, GOOGLE_LANGUAGE_CODES, type GoogleSpeechOptions, type GoogleSpeechToText } from './google-speech-to-text.ts';
export { HOTLINE_PHRASES } from './hotline-phrases.ts';
