/**
 * Real speech for the speech tests: espeak-ng says the words, sox resamples to what a carrier delivers.
 * Both come from Debian (`apt-get install espeak-ng sox`). Without them the audio tests skip loudly,
 * unless REQUIRE_AUDIO=1 (CI), where a missing tool is a failure.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const TOOLS = ['espeak-ng', 'sox', 'soxi'] as const;

function isInstalled(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Skips the calling suite (or fails it under REQUIRE_AUDIO=1) when a tool is missing. */
export function requireAudioTools(context: Mocha.Context): void {
  const missing = TOOLS.filter((tool) => !isInstalled(tool));
  if (missing.length === 0) return;
  const message = `speech tests need ${missing.join(', ')} (apt-get install espeak-ng sox)`;
  if (process.env.REQUIRE_AUDIO === '1') throw new Error(`${message}; REQUIRE_AUDIO=1 forbids skipping`);
  console.warn(`SKIPPING: ${message}`);
  context.skip();
}

export interface SpeakOptions {
  /** espeak-ng voice: `cmn` reads Chinese characters, `cmn-latn-pinyin` reads tone-numbered pinyin, `en-us`. */
  voice?: string;
  rateHertz?: number;
  channels?: number;
  /** `signed-integer` 16-bit PCM (default) or `u-law` 8-bit, as telephone recordings often are. */
  sampleEncoding?: 'signed-integer' | 'u-law';
  /** Output file type for sox: `wav` (default) or `flac`. */
  fileType?: 'wav' | 'flac';
}

/** A scratch folder for generated audio; `remove()` it in `after`. */
export function createAudioWorkspace(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'speech-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Speaks `text` with espeak-ng and converts it with sox; returns the file's path. */
export function speak(dir: string, name: string, text: string, options: SpeakOptions = {}): string {
  const spoken = path.join(dir, `${name}.espeak.wav`);
  execFileSync('espeak-ng', ['-v', options.voice ?? 'cmn', '-w', spoken, text]);
  const fileType = options.fileType ?? 'wav';
  const output = path.join(dir, `${name}.${fileType}`);
  const encoding = options.sampleEncoding ?? 'signed-integer';
  // -V1: errors only (resampling prints harmless clipping warnings); -G guards against that clipping.
  const format = fileType === 'flac' ? ['-b', '16'] : ['-e', encoding, '-b', encoding === 'u-law' ? '8' : '16'];
  execFileSync('sox', ['-V1', '-G', spoken, '-r', String(options.rateHertz ?? 16000), '-c', String(options.channels ?? 1), ...format, output]);
  return output;
}

/** Makes `seconds` of silence as a 16-bit mono WAV with sox. */
export function silence(dir: string, name: string, seconds: number, rateHertz = 16000): string {
  const output = path.join(dir, `${name}.wav`);
  execFileSync('sox', ['-V1', '-n', '-r', String(rateHertz), '-c', '1', '-b', '16', '-e', 'signed-integer', output, 'trim', '0', String(seconds)]);
  return output;
}

/** The duration sox measures, as an independent check on our header arithmetic. */
export function soxSeconds(file: string): number {
  return Number(execFileSync('soxi', ['-D', file], { encoding: 'utf8' }).trim());
}

export function readAudio(file: string): Buffer {
  return readFileSync(file);
}

/**
 * A 16-bit mono PCM WAV of a sine tone, built in memory, for tests about transport and faults that do
 * not need speech and must run even where espeak-ng/sox are missing.
 */
export function toneWav(seconds: number, rateHertz = 16000, frequency = 440): Buffer {
  const samples = Math.round(seconds * rateHertz);
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rateHertz, 24);
  wav.writeUInt32LE(rateHertz * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(samples * 2, 40);
  for (let index = 0; index < samples; index += 1) {
    wav.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * frequency * index) / rateHertz)), 44 + index * 2);
  }
  return wav;
}
