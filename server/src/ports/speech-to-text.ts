/**
 * Speech to text, in the platform's words: voicemail, call recordings and (later) live agent assist are
 * turned into text through this port. The Google adapter lives in `adapters/google-speech/`; services
 * depend only on this file.
 */

/** Languages the hotline transcribes: Mandarin by default, English for the foreign-language desk. */
export type SpeechLanguage = 'zh-CN' | 'en-US';

/**
 * Audio to transcribe: either the bytes (a WAV recording from the carrier, for example) or a URI the
 * provider can read itself (for Google, a `gs://` object; needed for recordings over about a minute).
 */
export type SpeechAudio =
  | {
      content: Buffer;
      /** e.g. `audio/wav`, `audio/flac`, `audio/mpeg`; WAV and FLAC are also recognised by their header. */
      mimeType?: string;
      /** Required only for headerless audio (raw L16, μ-law, MP3). */
      sampleRateHertz?: number;
    }
  | { uri: string; mimeType?: string; sampleRateHertz?: number };

export interface TranscribeOptions {
  /** Phrases likely to be said (place names, department names, policy words); they bias recognition. */
  hints?: string[];
  /** Ask for per-word timings. */
  wordTimestamps?: boolean;
  /** Lets a job give up early when it is being cancelled. */
  signal?: AbortSignal;
}

/** One recognised word with its position in the audio. */
export interface TranscribedWord {
  word: string;
  startSeconds: number;
  endSeconds: number;
  confidence: number | null;
}

export interface Transcript {
  /** The recognised text; empty when the audio held no speech (silence, hold music). */
  text: string;
  /** 0..1 as the provider reports it; null when it gave none (no speech, or interim results). */
  confidence: number | null;
  words?: TranscribedWord[];
  /** Length of the audio, from its header when known, otherwise from the provider's timings. */
  durationSeconds?: number;
  language: SpeechLanguage;
}

/** The port every speech provider implements. */
export interface SpeechToText {
  transcribe(audio: SpeechAudio, language: SpeechLanguage, options?: TranscribeOptions): Promise<Transcript>;
}

/**
 * Why a transcription failed, in terms a caller can act on:
 * - `invalid_audio`: the audio or its description is wrong; retrying the same bytes will not help.
 * - `unavailable`, `timeout`, `rate_limited`: transient; a job should retry later (`retriable`).
 * - `not_authorised`: credentials or permissions are wrong; an operator must fix configuration.
 * - `failed`: anything else the provider reported.
 */
export type SpeechFailureReason = 'invalid_audio' | 'unavailable' | 'timeout' | 'rate_limited' | 'not_authorised' | 'failed';

const RETRIABLE_REASONS: ReadonlySet<SpeechFailureReason> = new Set(['unavailable', 'timeout', 'rate_limited']);

const USER_MESSAGES: Record<SpeechFailureReason, { 'zh-CN': string; en: string }> = {
  invalid_audio: { 'zh-CN': '录音格式无法识别', en: 'The recording could not be read' },
  unavailable: { 'zh-CN': '语音识别服务暂时不可用，稍后自动重试', en: 'Speech recognition is unavailable; it will be retried' },
  timeout: { 'zh-CN': '语音识别超时，稍后自动重试', en: 'Speech recognition timed out; it will be retried' },
  rate_limited: { 'zh-CN': '语音识别请求过多，稍后自动重试', en: 'Too many speech recognition requests; it will be retried' },
  not_authorised: { 'zh-CN': '语音识别服务配置有误，请联系管理员', en: 'Speech recognition is misconfigured; contact an administrator' },
  failed: { 'zh-CN': '语音识别失败', en: 'Speech recognition failed' },
};

/** The one error the port throws. `message` is for logs (English, with the provider's detail). */
export class SpeechToTextError extends Error {
  override name = 'SpeechToTextError';
  readonly reason: SpeechFailureReason;
  readonly retriable: boolean;
  /** The provider's own status, e.g. `UNAVAILABLE` or `INVALID_ARGUMENT`, for logs and metrics. */
  readonly providerCode: string | undefined;
  /** How many calls were made before giving up. */
  readonly attempts: number;

  constructor(reason: SpeechFailureReason, message: string, details: { providerCode?: string; attempts?: number; cause?: unknown } = {}) {
    super(message, { cause: details.cause });
    this.reason = reason;
    this.retriable = RETRIABLE_REASONS.has(reason);
    this.providerCode = details.providerCode;
    this.attempts = details.attempts ?? 1;
  }

  /** Text safe to show a person (agent console, job status), in their language. */
  userMessage(language: 'zh-CN' | 'en' = 'zh-CN'): string {
    return USER_MESSAGES[this.reason][language];
  }

  /** The platform-wide error code this failure maps to (see STYLE.md: one AppError with codes). */
  get appErrorCode(): 'VALIDATION' | 'UNAVAILABLE' | 'PROVIDER_FAILED' {
    if (this.reason === 'invalid_audio') return 'VALIDATION';
    if (this.retriable) return 'UNAVAILABLE';
    return 'PROVIDER_FAILED';
  }
}

/** True for errors a job should retry later. */
export function isRetriableSpeechError(error: unknown): boolean {
  return error instanceof SpeechToTextError && error.retriable;
}
