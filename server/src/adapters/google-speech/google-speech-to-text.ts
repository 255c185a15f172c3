/**
 * The `SpeechToText` port on Google Cloud Speech-to-Text v1, through the official `@google-cloud/speech`
 * client. Short audio (up to about a minute) goes through `Recognize`; longer recordings and URIs through
 * `LongRunningRecognize`. gax's own retry is switched off so that this file decides, in one place, what
 * is retried, how long each attempt may take, and which error the caller finally sees.
 */
import { v1 } from '@google-cloud/speech';
import type { protos } from '@google-cloud/speech';
import { GoogleError, Status, createBackoffSettings, googleAuthLibrary, grpc } from 'google-gax';
import type { CallOptions, ClientOptions } from 'google-gax';
import {
  SpeechToTextError,
  type SpeechAudio,
  type SpeechFailureReason,
  type SpeechLanguage,
  type SpeechToText,
  type TranscribeOptions,
  type TranscribedWord,
  type Transcript,
} from '../../ports/speech-to-text.ts';
import { describeAudio, describeByMimeType, UnsupportedAudioError, type AudioDescription } from './audio-format.ts';
import { HOTLINE_PHRASES } from './hotline-phrases.ts';

type RecognitionConfig = protos.google.cloud.speech.v1.IRecognitionConfig;
type RecognitionAudio = protos.google.cloud.speech.v1.IRecognitionAudio;
type RecognitionResult = protos.google.cloud.speech.v1.ISpeechRecognitionResult;
type ProtoDuration = protos.google.protobuf.IDuration;

export interface GoogleSpeechOptions {
  /** Host of the API; the client's default (Google's public endpoint) when omitted. */
  apiEndpoint?: string;
  port?: number;
  /**
   * Plain-text gRPC with no credentials: only for a local server (the test speech server, an emulator).
   * Never set it against Google.
   */
  insecure?: boolean;
  /** Service-account key fields; without these or `keyFilename`, Application Default Credentials apply. */
  credentials?: { client_email: string; private_key: string };
  keyFilename?: string;
  projectId?: string;
  /** Deadline of one `Recognize` attempt. Google answers a minute of audio in well under 30 s. */
  attemptTimeoutMs?: number;
  /** Attempts in all for transient failures (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED…). */
  maxAttempts?: number;
  /** First pause between attempts; doubles each time, with jitter. */
  retryDelayMs?: number;
  /** How long a long-running recognition may take in all, polling included. */
  longRunningTimeoutMs?: number;
  /** Audio longer than this goes through LongRunningRecognize (Google's sync limit is 60 s). */
  syncLimitSeconds?: number;
  /** Phrases sent with every request; defaults to the hotline's own list. */
  defaultHints?: readonly string[];
  /** Google model name, e.g. `latest_long`; the language's default model when omitted. */
  model?: string;
}

/** The adapter: the port plus `close()` to release the gRPC channel at shutdown. */
export interface GoogleSpeechToText extends SpeechToText {
  close(): Promise<void>;
}

/** Google rejects inline content over 10 MB; bigger recordings must be uploaded and sent by URI. */
const MAX_INLINE_BYTES = 10 * 1024 * 1024;
/** Google allows at most this many phrases in all speech contexts of one request, 100 characters each. */
const MAX_PHRASES = 5000;
const MAX_PHRASE_CHARS = 100;

/**
 * The port speaks BCP-47 as the platform uses it; Google v1 names Mandarin (Simplified, China)
 * `cmn-Hans-CN` and answers INVALID_ARGUMENT to `zh-CN`, so the adapter translates.
 */
export const GOOGLE_LANGUAGE_CODES: Readonly<Record<SpeechLanguage, string>> = { 'zh-CN': 'cmn-Hans-CN', 'en-US': 'en-US' };

const DEFAULTS = {
  attemptTimeoutMs: 30_000,
  maxAttempts: 3,
  retryDelayMs: 500,
  longRunningTimeoutMs: 10 * 60_000,
  syncLimitSeconds: 60,
};

/** gRPC statuses and what they mean for the hotline. */
const REASON_BY_STATUS: Partial<Record<number, SpeechFailureReason>> = {
  [Status.INVALID_ARGUMENT]: 'invalid_audio',
  [Status.FAILED_PRECONDITION]: 'invalid_audio',
  [Status.OUT_OF_RANGE]: 'invalid_audio',
  [Status.NOT_FOUND]: 'invalid_audio', // a URI that does not exist
  [Status.UNAVAILABLE]: 'unavailable',
  [Status.INTERNAL]: 'unavailable', // Google's guidance: retry INTERNAL with backoff
  [Status.ABORTED]: 'unavailable',
  [Status.DEADLINE_EXCEEDED]: 'timeout',
  [Status.RESOURCE_EXHAUSTED]: 'rate_limited',
  [Status.UNAUTHENTICATED]: 'not_authorised',
  [Status.PERMISSION_DENIED]: 'not_authorised',
};

/**
 * Creates the Google adapter. The gRPC channel opens lazily on the first call.
 *
 * @example
 *   const speech = createGoogleSpeechToText({ apiEndpoint: '127.0.0.1', port, insecure: true });
 *   const { text } = await speech.transcribe({ content: wav }, 'zh-CN');
 */
export function createGoogleSpeechToText(options: GoogleSpeechOptions = {}): GoogleSpeechToText {
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  const client = new v1.SpeechClient(buildClientOptions(options));
  const defaultHints = options.defaultHints ?? HOTLINE_PHRASES;

  async function transcribe(audio: SpeechAudio, language: SpeechLanguage, transcribeOptions: TranscribeOptions = {}): Promise<Transcript> {
    const described = describeOrFail(audio);
    const request = {
      config: buildConfig(described, language, [...defaultHints, ...(transcribeOptions.hints ?? [])], transcribeOptions, options.model),
      audio: 'content' in audio ? ({ content: audio.content } satisfies RecognitionAudio) : ({ uri: audio.uri } satisfies RecognitionAudio),
    };
    const longRunning = 'uri' in audio || (described.durationSeconds ?? 0) > settings.syncLimitSeconds;
    const wantWords = transcribeOptions.wordTimestamps === true;
    if (!longRunning) {
      const results = await withRetries(settings, transcribeOptions.signal, async () => {
        const [response] = await client.recognize(request, { timeout: settings.attemptTimeoutMs, retry: null } satisfies CallOptions);
        return response.results ?? [];
      });
      return toTranscript(results, language, described.durationSeconds, wantWords);
    }
    // Only the submission is retried: re-running a poll that timed out after minutes would multiply
    // the wait; a job retries the whole thing later if the error says it may.
    const operation = await withRetries(settings, transcribeOptions.signal, async () => {
      const [submitted] = await client.longRunningRecognize(request, {
        timeout: settings.attemptTimeoutMs,
        retry: null,
        longrunning: createBackoffSettings(1000, 1.5, 10_000, 0, 0, 0, settings.longRunningTimeoutMs),
      } satisfies CallOptions);
      return submitted;
    });
    const results = await withRetries({ maxAttempts: 1, retryDelayMs: 0 }, transcribeOptions.signal, async () => {
      const [response] = await operation.promise();
      return response.results ?? [];
    });
    return toTranscript(results, language, described.durationSeconds, wantWords);
  }

  return {
    transcribe,
    close: () => client.close(),
  };
}

/** Keeps undefined options from overwriting defaults when spread. */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function buildClientOptions(options: GoogleSpeechOptions): ClientOptions {
  const clientOptions: ClientOptions = {};
  if (options.apiEndpoint !== undefined) clientOptions.apiEndpoint = options.apiEndpoint;
  if (options.port !== undefined) clientOptions.port = options.port;
  if (options.projectId !== undefined) clientOptions.projectId = options.projectId;
  if (options.credentials !== undefined) clientOptions.credentials = options.credentials;
  if (options.keyFilename !== undefined) clientOptions.keyFilename = options.keyFilename;
  if (options.insecure) {
    // The pass-through client adds no Authorization header, so no Google credentials are looked up.
    clientOptions.sslCreds = grpc.credentials.createInsecure();
    clientOptions.authClient = new googleAuthLibrary.PassThroughClient();
  }
  return clientOptions;
}

function describeOrFail(audio: SpeechAudio): AudioDescription {
  try {
    if ('uri' in audio) return describeByMimeType(audio.mimeType ?? guessMimeTypeFromUri(audio.uri), audio.sampleRateHertz);
    if (audio.content.length > MAX_INLINE_BYTES) {
      throw new UnsupportedAudioError(`inline audio is ${audio.content.length} bytes; over 10 MB must be sent by URI`);
    }
    return describeAudio(audio.content, audio.mimeType, audio.sampleRateHertz);
  } catch (error) {
    if (error instanceof UnsupportedAudioError) throw new SpeechToTextError('invalid_audio', error.message, { attempts: 0, cause: error });
    throw error;
  }
}

function guessMimeTypeFromUri(uri: string): string | undefined {
  const extension = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(uri)?.[1]?.toLowerCase();
  const byExtension: Record<string, string> = { wav: 'audio/wav', flac: 'audio/flac', mp3: 'audio/mpeg', ogg: 'audio/ogg', webm: 'audio/webm' };
  return extension ? byExtension[extension] : undefined;
}

/** Deduplicates hints and trims them to what Google accepts, keeping the first (most specific) ones. */
function preparePhrases(hints: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const hint of hints) {
    const phrase = hint.trim();
    if (phrase && phrase.length <= MAX_PHRASE_CHARS) seen.add(phrase);
    if (seen.size === MAX_PHRASES) break;
  }
  return [...seen];
}

function buildConfig(
  described: AudioDescription,
  language: SpeechLanguage,
  hints: readonly string[],
  options: TranscribeOptions,
  model: string | undefined,
): RecognitionConfig {
  const phrases = preparePhrases(hints);
  const config: RecognitionConfig = {
    encoding: described.encoding,
    languageCode: GOOGLE_LANGUAGE_CODES[language],
    enableAutomaticPunctuation: true,
    enableWordTimeOffsets: options.wordTimestamps === true,
    enableWordConfidence: options.wordTimestamps === true,
  };
  if (described.sampleRateHertz !== undefined) config.sampleRateHertz = described.sampleRateHertz;
  // Google refuses a multi-channel WAV unless told how many channels it has; it then recognises channel 1.
  if (described.channels !== undefined && described.channels > 1) config.audioChannelCount = described.channels;
  if (phrases.length > 0) config.speechContexts = [{ phrases }];
  if (model !== undefined) config.model = model;
  return config;
}

/**
 * Runs one provider call with the adapter's retry policy. Transient failures are retried with
 * exponential backoff and jitter; everything else fails at once. The error thrown is always the port's.
 */
async function withRetries<T>(
  settings: { maxAttempts: number; retryDelayMs: number },
  signal: AbortSignal | undefined,
  call: () => Promise<T>,
): Promise<T> {
  let delay = settings.retryDelayMs;
  for (let attempt = 1; ; attempt += 1) {
    signal?.throwIfAborted();
    try {
      return await (signal ? raceAbort(call(), signal) : call());
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const failure = toSpeechError(error, attempt);
      if (!failure.retriable || attempt >= settings.maxAttempts) throw failure;
      await sleep(delay * (0.5 + Math.random() / 2), signal);
      delay *= 2;
    }
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Maps a gax/gRPC error to the port's error, keeping the provider's status name for logs. */
export function toSpeechError(error: unknown, attempts: number): SpeechToTextError {
  if (error instanceof SpeechToTextError) return error;
  const code = typeof (error as { code?: unknown })?.code === 'number' ? (error as { code: number }).code : undefined;
  const statusName = code === undefined ? undefined : Status[code];
  const message = error instanceof Error ? error.message : String(error);
  if (code === undefined || !(error instanceof GoogleError || isGrpcServiceError(error))) {
    return new SpeechToTextError('failed', `speech recognition failed: ${message}`, { attempts, cause: error });
  }
  const reason = REASON_BY_STATUS[code] ?? 'failed';
  return new SpeechToTextError(reason, `Google Speech ${statusName ?? code}: ${message}`, {
    ...(statusName === undefined ? {} : { providerCode: statusName }),
    attempts,
    cause: error,
  });
}

function isGrpcServiceError(error: unknown): boolean {
  return error instanceof Error && 'metadata' in error && 'details' in error;
}

function durationToSeconds(duration: ProtoDuration | null | undefined): number | undefined {
  if (!duration) return undefined;
  // The gRPC loader hands int64 fields over as strings (longs: String); protobufjs may give a Long.
  const seconds = Number(typeof duration.seconds === 'object' && duration.seconds !== null ? duration.seconds.toString() : (duration.seconds ?? 0));
  return seconds + (duration.nanos ?? 0) / 1e9;
}

function roundConfidence(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}

/** Joins the best alternative of each result; Chinese runs on without spaces, English needs them. */
function toTranscript(results: RecognitionResult[], language: SpeechLanguage, headerSeconds: number | undefined, wantWords: boolean): Transcript {
  const best = results.map((result) => result.alternatives?.[0]).filter((alternative) => alternative?.transcript);
  const separator = language === 'zh-CN' ? '' : ' ';
  const text = best
    .map((alternative) => alternative!.transcript!.trim())
    .join(separator)
    .trim();
  // Google reports 0 for "not set"; average only real confidences, weighted by how much text each covers.
  let weighted = 0;
  let weight = 0;
  for (const alternative of best) {
    const confidence = alternative!.confidence ?? 0;
    if (confidence > 0) {
      const length = alternative!.transcript!.length;
      weighted += confidence * length;
      weight += length;
    }
  }
  const endSeconds = results.map((result) => durationToSeconds(result.resultEndTime)).filter((seconds) => seconds !== undefined);
  const durationSeconds = headerSeconds ?? (endSeconds.length > 0 ? Math.max(...endSeconds) : undefined);
  // Google sends float32; four decimals drop the 0.92000001 noise without losing meaning.
  const transcript: Transcript = { text, confidence: weight > 0 ? roundConfidence(weighted / weight) : null, language };
  if (durationSeconds !== undefined) transcript.durationSeconds = durationSeconds;
  if (wantWords) {
    transcript.words = best.flatMap((alternative) =>
      (alternative!.words ?? []).map(
        (word): TranscribedWord => ({
          word: word.word ?? '',
          startSeconds: durationToSeconds(word.startTime) ?? 0,
          endSeconds: durationToSeconds(word.endTime) ?? 0,
          confidence: word.confidence ? roundConfidence(word.confidence) : null,
        }),
      ),
    );
  }
  return transcript;
}
