/**
 * The adapter's header reading, checked against what sox says about files sox wrote, and against
 * hand-built headers for the awkward cases carriers produce.
 */
import { expect } from 'chai';
import { describeAudio, readFlacStreamInfo, readWavHeader, UnsupportedAudioError } from '../../server/src/adapters/google-speech/audio-format.ts';
import { createAudioWorkspace, readAudio, requireAudioTools, soxSeconds, speak, toneWav } from './audio-tools.ts';

describe('speech to text: describing audio for Google', function () {
  describe('files made by sox', function () {
    let workspace: ReturnType<typeof createAudioWorkspace>;

    before(function () {
      requireAudioTools(this);
      workspace = createAudioWorkspace();
    });

    after(function () {
      workspace?.remove();
    });

    for (const [rateHertz, channels] of [
      [8000, 1],
      [16000, 1],
      [44100, 2],
    ] as const) {
      it(`reads a ${rateHertz} Hz, ${channels}-channel WAV as sox does`, function () {
        const file = speak(workspace.dir, `pcm-${rateHertz}-${channels}`, '户口迁移', { rateHertz, channels });

        const described = describeAudio(readAudio(file));

        expect(described).to.deep.include({ encoding: 'LINEAR16', sampleRateHertz: rateHertz, channels });
        expect(described.durationSeconds).to.be.closeTo(soxSeconds(file), 0.0005);
      });
    }

    it('reads FLAC STREAMINFO as sox does', function () {
      const file = speak(workspace.dir, 'flac-22050', '不动产登记', { fileType: 'flac', rateHertz: 22050 });

      const info = readFlacStreamInfo(readAudio(file));

      expect(info.sampleRateHertz).to.equal(22050);
      expect(info.channels).to.equal(1);
      expect(info.durationSeconds).to.be.closeTo(soxSeconds(file), 0.0005);
    });
  });

  describe('hand-built headers', function () {
    it('skips chunks before the format and data chunks', function () {
      const plain = toneWav(0.5, 8000);
      const list = Buffer.alloc(8 + 6);
      list.write('LIST', 0, 'ascii');
      list.writeUInt32LE(6, 4);
      const withList = Buffer.concat([plain.subarray(0, 12), list, plain.subarray(12)]);

      const header = readWavHeader(withList);

      expect(header).to.include({ formatCode: 1, channels: 1, sampleRateHertz: 8000, bitsPerSample: 16, dataBytes: 8000 });
    });

    it('clamps a streamed WAV whose data size claims more than the file holds', function () {
      const streamed = toneWav(0.25, 16000);
      streamed.writeUInt32LE(0xffffffff, 40);

      expect(describeAudio(streamed).durationSeconds).to.equal(0.25);
    });

    it('refuses 8-bit PCM, which Google v1 cannot take', function () {
      const wav = toneWav(0.1, 8000);
      wav.writeUInt16LE(8, 34);

      expect(() => describeAudio(wav)).to.throw(UnsupportedAudioError, /8-bit/);
    });

    it('needs a sample rate for headerless MP3 but defaults μ-law to 8 kHz', function () {
      expect(() => describeAudio(Buffer.from([0xff, 0xfb, 0x90, 0x00]), 'audio/mpeg')).to.throw(UnsupportedAudioError, /sampleRateHertz/);
      expect(describeAudio(Buffer.alloc(16000), 'audio/basic')).to.deep.equal({ encoding: 'MULAW', sampleRateHertz: 8000, durationSeconds: 2 });
      expect(describeAudio(Buffer.alloc(32000), 'audio/L16;rate=16000')).to.deep.equal({ encoding: 'LINEAR16', sampleRateHertz: 16000, durationSeconds: 1 });
    });

    it('refuses empty audio and unknown formats', function () {
      expect(() => describeAudio(Buffer.alloc(0), 'audio/wav')).to.throw(UnsupportedAudioError, /empty/);
      expect(() => describeAudio(Buffer.from('hello'))).to.throw(UnsupportedAudioError, /unknown audio format/);
    });
  });
});
