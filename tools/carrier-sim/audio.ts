import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a WAV header says. */
export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  dataBytes: number;
  durationSeconds: number;
}

/** A recording as the simulator stores and serves it. */
export interface SimAudio {
  wav: Buffer;
  durationSeconds: number;
  /** 'espeak-ng' when the speech was synthesised, 'tone' when espeak-ng is missing or no text was given. */
  source: 'espeak-ng' | 'tone';
}

/**
 * Makes the audio of a caller speaking `text`: Mandarin speech through espeak-ng when the binary exists
 * (so speech-to-text tests get real audio), else a tone WAV of a plausible length written here.
 */
export async function synthesiseSpeech(text: string | undefined, fallbackSeconds: number): Promise<SimAudio> {
  if (text && text.trim()) {
    const wav = await speakWithEspeak(text).catch(() => null);
    if (wav) {
      const info = readWavInfo(wav);
      return { wav, durationSeconds: info.durationSeconds, source: 'espeak-ng' };
    }
  }
  const seconds = Math.max(1, Math.min(600, text ? Math.ceil(text.length * 0.3) : fallbackSeconds));
  return { wav: makeToneWav(seconds), durationSeconds: seconds, source: 'tone' };
}

async function speakWithEspeak(text: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'carrier-sim-'));
  const file = join(dir, 'speech.wav');
  try {
    await new Promise<void>((resolve, reject) => {
      execFile('espeak-ng', ['-v', 'cmn-latn-pinyin', '-w', file, text], { timeout: 20_000 }, (err) =>
        err ? reject(err) : resolve(),
      );
    });
    return await readFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A 16-bit mono PCM WAV of `seconds` length: a 440 Hz tone, on for half a second, off for half a second. */
export function makeToneWav(seconds: number, sampleRate = 8000): Buffer {
  const samples = Math.round(seconds * sampleRate);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    const on = Math.floor((i / sampleRate) * 2) % 2 === 0;
    const v = on ? Math.round(Math.sin((2 * Math.PI * 440 * i) / sampleRate) * 8000) : 0;
    data.writeInt16LE(v, i * 2);
  }
  return Buffer.concat([wavHeader(data.length, sampleRate, 1, 16), data]);
}

function wavHeader(dataBytes: number, sampleRate: number, channels: number, bits: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE((sampleRate * channels * bits) / 8, 28);
  h.writeUInt16LE((channels * bits) / 8, 32);
  h.writeUInt16LE(bits, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/**
 * Reads a PCM WAV's format and length by walking its RIFF chunks. espeak-ng writes a streaming header whose
 * sizes are 0x7fffffff, so the data length is capped at what the buffer really holds.
 */
export function readWavInfo(buf: Buffer): WavInfo {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let offset = 12;
  let fmt: { channels: number; sampleRate: number; bitsPerSample: number } | undefined;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (buf.readUInt16LE(body) !== 1) throw new Error('WAV is not PCM');
      fmt = { channels: buf.readUInt16LE(body + 2), sampleRate: buf.readUInt32LE(body + 4), bitsPerSample: buf.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt) throw new Error('WAV data before fmt chunk');
      const dataBytes = Math.min(size, buf.length - body);
      const bytesPerSecond = (fmt.sampleRate * fmt.channels * fmt.bitsPerSample) / 8;
      return { ...fmt, dataBytes, durationSeconds: dataBytes / bytesPerSecond };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAV has no data chunk');
}
