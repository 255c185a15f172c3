/**
 * Checks a RecognizeRequest the way Google Speech v1 does and works out how long the audio is.
 * Deliberately independent of the adapter's own header reader (`adapters/google-speech/audio-format.ts`):
 * if both shared one parser, a bug in it would agree with itself and the tests would pass anyway.
 * Messages follow Google's wording where it is known; the status (INVALID_ARGUMENT) is what matters.
 */

/** The request as @grpc/proto-loader hands it over (camelCase, enums as names, defaults filled in). */
export interface RecognizeRequestMessage {
  config: {
    encoding: string;
    sampleRateHertz: number;
    audioChannelCount: number;
    languageCode: string;
    enableAutomaticPunctuation: boolean;
    enableWordTimeOffsets: boolean;
    speechContexts: { phrases: string[] }[];
    model: string;
  } | null;
  audio: { content?: Buffer; uri?: string; audioSource?: 'content' | 'uri' } | null;
}

/** Raised for a request Google would refuse with INVALID_ARGUMENT. */
export class InvalidArgument extends Error {}

/** Codes this server accepts, as Google v1 lists them (it has no `zh-CN`; Mandarin is `cmn-Hans-CN`). */
export const SUPPORTED_LANGUAGE_CODES: ReadonlySet<string> = new Set(['cmn-Hans-CN', 'cmn-Hant-TW', 'yue-Hant-HK', 'en-US', 'en-GB']);

/** Google's sync limit. */
export const SYNC_LIMIT_SECONDS = 60;
const MAX_INLINE_BYTES = 10 * 1024 * 1024;

export interface InspectedRequest {
  languageCode: string;
  /** Encoding the audio really has (from its header when it has one). */
  encoding: string;
  sampleRateHertz: number | undefined;
  channels: number | undefined;
  durationSeconds: number | undefined;
  /** Where the audio came from: inline bytes or a Cloud Storage URI. */
  source: { content: Buffer } | { uri: string };
}

interface WavFacts {
  encoding: string | undefined;
  sampleRateHertz: number;
  channels: number;
  durationSeconds: number;
}

/** Walks RIFF chunks for `fmt ` and `data`; returns undefined when the bytes are not a WAV file. */
function readWav(bytes: Buffer): WavFacts | undefined {
  if (bytes.length < 12 || bytes.subarray(0, 4).toString('ascii') !== 'RIFF' || bytes.subarray(8, 12).toString('ascii') !== 'WAVE') return undefined;
  let format: { code: number; channels: number; rate: number; byteRate: number; bits: number } | undefined;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = bytes.subarray(at, at + 4).toString('ascii');
    const size = bytes.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      format = {
        code: bytes.readUInt16LE(at + 8),
        channels: bytes.readUInt16LE(at + 10),
        rate: bytes.readUInt32LE(at + 12),
        byteRate: bytes.readUInt32LE(at + 16),
        bits: bytes.readUInt16LE(at + 22),
      };
    }
    if (id === 'data' && format) {
      const dataBytes = Math.min(size, bytes.length - at - 8);
      const encoding = format.code === 1 && format.bits === 16 ? 'LINEAR16' : format.code === 7 ? 'MULAW' : undefined;
      return { encoding, sampleRateHertz: format.rate, channels: format.channels, durationSeconds: dataBytes / format.byteRate };
    }
    at += 8 + size + (size & 1);
  }
  throw new InvalidArgument('Invalid WAV header: no data chunk.');
}

/**
 * Validates config and audio together, as Google does before recognising anything.
 * @param method sync `Recognize` also enforces the one-minute limit.
 */
export function inspectRecognizeRequest(request: RecognizeRequestMessage, method: 'Recognize' | 'LongRunningRecognize'): InspectedRequest {
  const { config, audio } = request;
  if (!config) throw new InvalidArgument('RecognitionConfig not set.');
  if (!audio || (!audio.content?.length && !audio.uri)) throw new InvalidArgument('RecognitionAudio not set.');
  if (!config.languageCode) throw new InvalidArgument("Invalid recognition 'config': missing language_code.");
  if (!SUPPORTED_LANGUAGE_CODES.has(config.languageCode)) throw new InvalidArgument("Invalid recognition 'config': bad language code.");
  if (config.sampleRateHertz !== 0 && (config.sampleRateHertz < 8000 || config.sampleRateHertz > 48000)) {
    throw new InvalidArgument(`sample_rate_hertz (${config.sampleRateHertz}) must be between 8000 and 48000.`);
  }
  const declared = config.encoding === 'ENCODING_UNSPECIFIED' ? undefined : config.encoding;

  if (audio.uri) {
    if (!audio.uri.startsWith('gs://')) throw new InvalidArgument("Invalid recognition 'audio': only Cloud Storage URIs (gs://) are supported.");
    return {
      languageCode: config.languageCode,
      encoding: declared ?? 'LINEAR16',
      sampleRateHertz: config.sampleRateHertz || undefined,
      channels: undefined,
      durationSeconds: undefined,
      source: { uri: audio.uri },
    };
  }

  const content = audio.content!;
  if (content.length > MAX_INLINE_BYTES) throw new InvalidArgument('Request payload size exceeds the limit: 10485760 bytes.');
  const wav = readWav(content);
  let result: InspectedRequest;
  if (wav) {
    if (!wav.encoding) throw new InvalidArgument('Unsupported WAV encoding: use 16-bit linear PCM or 8-bit mu-law.');
    if (declared && declared !== wav.encoding) {
      throw new InvalidArgument(`Specify ${wav.encoding} (or omit the encoding) to match the WAV header; got ${declared}.`);
    }
    if (config.sampleRateHertz !== 0 && config.sampleRateHertz !== wav.sampleRateHertz) {
      throw new InvalidArgument(
        `sample_rate_hertz (${config.sampleRateHertz}) in RecognitionConfig must either be omitted or match the value in the WAV header ( ${wav.sampleRateHertz}).`,
      );
    }
    if (wav.channels > 1 && config.audioChannelCount !== wav.channels) {
      throw new InvalidArgument(`Must use single channel (mono) audio, but WAV header indicates ${wav.channels} channels.`);
    }
    result = {
      languageCode: config.languageCode,
      encoding: wav.encoding,
      sampleRateHertz: wav.sampleRateHertz,
      channels: wav.channels,
      durationSeconds: wav.durationSeconds,
      source: { content },
    };
  } else if (content.subarray(0, 4).toString('ascii') === 'fLaC') {
    if (declared && declared !== 'FLAC') throw new InvalidArgument(`Specify FLAC (or omit the encoding) to match the file header; got ${declared}.`);
    result = { languageCode: config.languageCode, encoding: 'FLAC', sampleRateHertz: undefined, channels: undefined, durationSeconds: undefined, source: { content } };
  } else {
    // Headerless audio: Google needs both the encoding and the rate to make sense of the bytes.
    if (!declared) throw new InvalidArgument("Invalid recognition 'config': bad encoding.");
    if (config.sampleRateHertz === 0) throw new InvalidArgument("Invalid recognition 'config': bad sample rate hertz.");
    const channels = Math.max(config.audioChannelCount, 1);
    const bytesPerSecond = declared === 'LINEAR16' ? 2 * config.sampleRateHertz * channels : declared === 'MULAW' ? config.sampleRateHertz * channels : undefined;
    result = {
      languageCode: config.languageCode,
      encoding: declared,
      sampleRateHertz: config.sampleRateHertz,
      channels,
      durationSeconds: bytesPerSecond ? content.length / bytesPerSecond : undefined,
      source: { content },
    };
  }
  if (method === 'Recognize' && (result.durationSeconds ?? 0) > SYNC_LIMIT_SECONDS) {
    throw new InvalidArgument("Sync input too long. For audio longer than 1 min use LongRunningRecognize with a 'uri' parameter.");
  }
  return result;
}
