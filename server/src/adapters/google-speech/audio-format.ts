/**
 * Works out how to describe a recording to Google Speech (encoding, sample rate, channels) from its
 * header or MIME type, and how long it is. Google rejects a config that disagrees with a WAV/FLAC header,
 * and sync recognition only takes about a minute of audio, so both facts are needed before the call.
 */

/** The subset of `RecognitionConfig.AudioEncoding` (v1) the platform can produce or receive. */
export type SpeechEncoding = 'LINEAR16' | 'FLAC' | 'MULAW' | 'MP3' | 'OGG_OPUS' | 'WEBM_OPUS';

export interface AudioDescription {
  encoding: SpeechEncoding;
  sampleRateHertz?: number;
  channels?: number;
  /** Known only for WAV and FLAC, whose headers say how many samples follow. */
  durationSeconds?: number;
}

/** Raised when the audio cannot be described; the adapter turns it into an `invalid_audio` failure. */
export class UnsupportedAudioError extends Error {
  override name = 'UnsupportedAudioError';
}

/** What a WAV header says. `dataBytes` is clamped to what is really there (streamed WAVs lie). */
export interface WavHeader {
  formatCode: number;
  channels: number;
  sampleRateHertz: number;
  bitsPerSample: number;
  byteRate: number;
  dataBytes: number;
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_MULAW = 0x0007;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** True when the bytes start like a RIFF/WAVE file. */
export function looksLikeWav(content: Buffer): boolean {
  return content.length >= 12 && content.toString('latin1', 0, 4) === 'RIFF' && content.toString('latin1', 8, 12) === 'WAVE';
}

/** True when the bytes start like a native FLAC stream. */
export function looksLikeFlac(content: Buffer): boolean {
  return content.length >= 4 && content.toString('latin1', 0, 4) === 'fLaC';
}

/**
 * Reads the `fmt ` and `data` chunks of a WAV file, walking the chunk list (LIST/fact chunks may come
 * first). Throws UnsupportedAudioError when the file is truncated or has no format.
 */
export function readWavHeader(content: Buffer): WavHeader {
  if (!looksLikeWav(content)) throw new UnsupportedAudioError('not a RIFF/WAVE file');
  let offset = 12;
  let fmt: Omit<WavHeader, 'dataBytes'> | undefined;
  while (offset + 8 <= content.length) {
    const id = content.toString('latin1', offset, offset + 4);
    const size = content.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > content.length) throw new UnsupportedAudioError('WAV format chunk is truncated');
      let formatCode = content.readUInt16LE(body);
      // Extensible WAVs carry the real format in the first two bytes of the sub-format GUID.
      if (formatCode === WAVE_FORMAT_EXTENSIBLE && size >= 26 && body + 26 <= content.length) formatCode = content.readUInt16LE(body + 24);
      fmt = {
        formatCode,
        channels: content.readUInt16LE(body + 2),
        sampleRateHertz: content.readUInt32LE(body + 4),
        byteRate: content.readUInt32LE(body + 8),
        bitsPerSample: content.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!fmt) throw new UnsupportedAudioError('WAV data chunk comes before its format chunk');
      return { ...fmt, dataBytes: Math.min(size, content.length - body) };
    }
    offset = body + size + (size % 2); // chunks are word-aligned
  }
  throw new UnsupportedAudioError(fmt ? 'WAV file has no data chunk' : 'WAV file has no format chunk');
}

/** Reads sample rate, channels and length from a FLAC STREAMINFO block (always the first block). */
export function readFlacStreamInfo(content: Buffer): { sampleRateHertz: number; channels: number; durationSeconds?: number } {
  if (!looksLikeFlac(content) || content.length < 8 + 18) throw new UnsupportedAudioError('FLAC stream is truncated');
  if ((content[4]! & 0x7f) !== 0) throw new UnsupportedAudioError('FLAC stream does not start with STREAMINFO');
  const info = 8; // after "fLaC" and the 4-byte block header
  // Bytes 10..17 of STREAMINFO: 20 bits rate, 3 bits channels-1, 5 bits bits-per-sample-1, 36 bits samples.
  const packed = content.readBigUInt64BE(info + 10);
  const sampleRateHertz = Number(packed >> 44n);
  const channels = Number((packed >> 41n) & 0x7n) + 1;
  const totalSamples = Number(packed & 0xfffffffffn);
  if (sampleRateHertz === 0) throw new UnsupportedAudioError('FLAC stream has no sample rate');
  return totalSamples > 0 ? { sampleRateHertz, channels, durationSeconds: totalSamples / sampleRateHertz } : { sampleRateHertz, channels };
}

/** Describes a WAV file, or explains why Google's v1 API cannot take it. */
export function describeWav(content: Buffer): AudioDescription {
  const header = readWavHeader(content);
  const durationSeconds = header.byteRate > 0 ? header.dataBytes / header.byteRate : undefined;
  const base = { sampleRateHertz: header.sampleRateHertz, channels: header.channels, ...(durationSeconds === undefined ? {} : { durationSeconds }) };
  if (header.formatCode === WAVE_FORMAT_PCM && header.bitsPerSample === 16) return { encoding: 'LINEAR16', ...base };
  if (header.formatCode === WAVE_FORMAT_MULAW && header.bitsPerSample === 8) return { encoding: 'MULAW', ...base };
  throw new UnsupportedAudioError(
    `WAV format ${header.formatCode} with ${header.bitsPerSample}-bit samples is not supported; use 16-bit PCM or 8-bit μ-law`,
  );
}

/** Parses `rate=8000` style parameters of a MIME type such as `audio/L16;rate=8000`. */
function mimeRate(mimeType: string): number | undefined {
  const match = /;\s*rate=(\d+)/i.exec(mimeType);
  return match ? Number(match[1]) : undefined;
}

/**
 * Describes inline audio: the header wins over the MIME type (carriers mislabel files), and headerless
 * formats need the MIME type plus, where Google requires it, a sample rate.
 */
export function describeAudio(content: Buffer, mimeType?: string, sampleRateHertz?: number): AudioDescription {
  if (content.length === 0) throw new UnsupportedAudioError('the recording is empty');
  if (looksLikeWav(content)) return describeWav(content);
  if (looksLikeFlac(content)) return { encoding: 'FLAC', ...readFlacStreamInfo(content) };
  const described = describeByMimeType(mimeType, sampleRateHertz);
  // Raw PCM and μ-law have a fixed byte rate (mono), so the length is known and long audio can be routed
  // to LongRunningRecognize instead of being refused by the sync call.
  const bytesPerSample = described.encoding === 'LINEAR16' ? 2 : described.encoding === 'MULAW' ? 1 : undefined;
  if (bytesPerSample !== undefined && described.sampleRateHertz) {
    described.durationSeconds = content.length / (bytesPerSample * described.sampleRateHertz);
  }
  return described;
}

/** Describes audio known only by its MIME type (a URI, or headerless bytes). */
export function describeByMimeType(mimeType: string | undefined, sampleRateHertz?: number): AudioDescription {
  const type = (mimeType ?? '').toLowerCase().split(';')[0]!.trim();
  const rate = sampleRateHertz ?? (mimeType ? mimeRate(mimeType) : undefined);
  const withRate = (encoding: SpeechEncoding, fallback?: number): AudioDescription => {
    const resolved = rate ?? fallback;
    if (resolved === undefined) throw new UnsupportedAudioError(`${type} audio needs sampleRateHertz`);
    return { encoding, sampleRateHertz: resolved };
  };
  switch (type) {
    case 'audio/wav':
    case 'audio/x-wav':
    case 'audio/wave':
      // A WAV by URI: Google reads the header itself, so sending no rate is correct.
      return rate === undefined ? { encoding: 'LINEAR16' } : { encoding: 'LINEAR16', sampleRateHertz: rate };
    case 'audio/flac':
    case 'audio/x-flac':
      return rate === undefined ? { encoding: 'FLAC' } : { encoding: 'FLAC', sampleRateHertz: rate };
    case 'audio/l16':
      return withRate('LINEAR16');
    case 'audio/basic':
    case 'audio/mulaw':
    case 'audio/x-mulaw':
      return withRate('MULAW', 8000); // telephone μ-law is 8 kHz unless told otherwise
    case 'audio/mpeg':
    case 'audio/mp3':
      return withRate('MP3');
    case 'audio/ogg':
      return withRate('OGG_OPUS');
    case 'audio/webm':
      return withRate('WEBM_OPUS');
    default:
      throw new UnsupportedAudioError(mimeType ? `unsupported audio type ${mimeType}` : 'unknown audio format: not WAV or FLAC and no MIME type given');
  }
}
