/**
 * Real Mandarin audio (espeak-ng + sox) through the real `@google-cloud/speech` client, via the adapter,
 * to the local gRPC speech server. The server answers by the SHA-256 of the bytes it received, so a
 * transcript coming back proves the audio crossed the client unchanged.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { createGoogleSpeechToText, HOTLINE_PHRASES, type GoogleSpeechToText } from '../../server/src/adapters/google-speech/index.ts';
import { SpeechToTextError } from '../../server/src/ports/speech-to-text.ts';
import { startSpeechServer, type SpeechServer } from '../support/speech-server/index.ts';
import { createAudioWorkspace, readAudio, requireAudioTools, silence, soxSeconds, speak } from './audio-tools.ts';

const ENQUIRY = '我想问一下公积金怎么提取';

describe('speech to text: Google adapter with real Mandarin audio', function () {
  let server: SpeechServer;
  let speech: GoogleSpeechToText;
  let workspace: ReturnType<typeof createAudioWorkspace>;

  before(async function () {
    requireAudioTools(this);
    workspace = createAudioWorkspace();
    server = await startSpeechServer();
    speech = createGoogleSpeechToText({ apiEndpoint: '127.0.0.1', port: server.port, insecure: true, retryDelayMs: 20 });
  });

  after(async function () {
    await speech?.close();
    await server?.stop();
    workspace?.remove();
  });

  beforeEach(function () {
    server.requests.length = 0;
  });

  it('transcribes a 16 kHz Mandarin enquiry and sends Google the config its header implies', async function () {
    const file = speak(workspace.dir, 'enquiry', ENQUIRY);
    const audio = readAudio(file);
    server.expect(audio, `${ENQUIRY}？`);

    const transcript = await speech.transcribe({ content: audio, mimeType: 'audio/wav' }, 'zh-CN', { hints: ['住房公积金提取'] });

    expect(transcript.text).to.equal(`${ENQUIRY}？`);
    expect(transcript.language).to.equal('zh-CN');
    expect(transcript.confidence).to.equal(0.92);
    expect(transcript.durationSeconds).to.be.closeTo(soxSeconds(file), 0.001);

    expect(server.requests).to.have.length(1);
    const seen = server.requests[0]!;
    expect(seen.method).to.equal('Recognize');
    expect(seen.languageCode).to.equal('cmn-Hans-CN');
    expect(seen.encoding).to.equal('LINEAR16');
    expect(seen.sampleRateHertz).to.equal(16000);
    expect(seen.enableAutomaticPunctuation).to.equal(true);
    expect(seen.audioSha256).to.equal(createHash('sha256').update(audio).digest('hex'));
    expect(seen.phrases).to.include.members(['12345', '公积金', '社保', '住房公积金提取']);
    expect(seen.phrases).to.have.length(new Set([...HOTLINE_PHRASES, '住房公积金提取']).size);
    expect(seen.inspected?.durationSeconds).to.be.closeTo(soxSeconds(file), 0.001);
    // The real client library made the call, not a hand-rolled gRPC stub.
    expect(seen.apiClientHeader).to.match(/gax\/\d+\.\d+\.\d+ gapic\/\d+\.\d+\.\d+/);
  });

  it('reads pinyin-voiced audio at telephone quality (8 kHz) and tells Google 8000 Hz', async function () {
    const file = speak(workspace.dir, 'pinyin', 'she4 bao3 ka3 zen3 me5 bu3 ban4', { voice: 'cmn-latn-pinyin', rateHertz: 8000 });
    const audio = readAudio(file);
    server.expect(audio, '社保卡怎么补办');

    const transcript = await speech.transcribe({ content: audio }, 'zh-CN');

    expect(transcript.text).to.equal('社保卡怎么补办');
    expect(server.requests[0]?.sampleRateHertz).to.equal(8000);
    expect(server.requests[0]?.inspected?.sampleRateHertz).to.equal(8000);
  });

  it('sends μ-law WAV recordings as MULAW', async function () {
    const file = speak(workspace.dir, 'mulaw', '噪音扰民', { rateHertz: 8000, sampleEncoding: 'u-law' });
    const audio = readAudio(file);
    server.expect(audio, '噪音扰民。');

    const transcript = await speech.transcribe({ content: audio }, 'zh-CN');

    expect(transcript.text).to.equal('噪音扰民。');
    expect(server.requests[0]?.encoding).to.equal('MULAW');
    expect(transcript.durationSeconds).to.be.closeTo(soxSeconds(file), 0.001);
  });

  it('declares the channel count of a stereo recording, which Google otherwise refuses', async function () {
    const file = speak(workspace.dir, 'stereo', '拖欠工资', { channels: 2 });
    const audio = readAudio(file);
    server.expect(audio, '拖欠工资');

    const transcript = await speech.transcribe({ content: audio }, 'zh-CN');

    expect(transcript.text).to.equal('拖欠工资');
    expect(server.requests[0]?.audioChannelCount).to.equal(2);
  });

  it('sends FLAC with its header rate and no contradiction', async function () {
    const file = speak(workspace.dir, 'flac', '营业执照', { fileType: 'flac', rateHertz: 16000 });
    const audio = readAudio(file);
    server.expect(audio, '营业执照');

    const transcript = await speech.transcribe({ content: audio, mimeType: 'audio/flac' }, 'zh-CN');

    expect(transcript.text).to.equal('营业执照');
    expect(server.requests[0]?.encoding).to.equal('FLAC');
    expect(server.requests[0]?.sampleRateHertz).to.equal(16000);
    expect(transcript.durationSeconds).to.be.closeTo(soxSeconds(file), 0.01);
  });

  it('transcribes English for the foreign-language desk, with word timings when asked', async function () {
    const file = speak(workspace.dir, 'english', 'I would like to ask about my housing fund', { voice: 'en-us' });
    const audio = readAudio(file);
    server.expect(audio, 'I would like to ask about my housing fund.');

    const transcript = await speech.transcribe({ content: audio }, 'en-US', { wordTimestamps: true });

    expect(transcript.text).to.equal('I would like to ask about my housing fund.');
    expect(server.requests[0]?.languageCode).to.equal('en-US');
    expect(server.requests[0]?.enableWordTimeOffsets).to.equal(true);
    expect(transcript.words?.map((word) => word.word)).to.deep.equal(['I', 'would', 'like', 'to', 'ask', 'about', 'my', 'housing', 'fund']);
    expect(transcript.words?.at(-1)?.endSeconds).to.be.closeTo(soxSeconds(file), 0.01);
  });

  it('returns empty text and no confidence for silence', async function () {
    const file = silence(workspace.dir, 'silence', 2);

    const transcript = await speech.transcribe({ content: readAudio(file) }, 'zh-CN');

    expect(transcript).to.deep.include({ text: '', confidence: null });
    expect(transcript.durationSeconds).to.be.closeTo(2, 0.001);
    expect(server.requests[0]?.outcome).to.equal('ok');
  });

  it('routes recordings over a minute to LongRunningRecognize', async function () {
    const spoken = readAudio(speak(workspace.dir, 'long-part', '您好，这里是12345政务服务便民热线'));
    // Lengthen the WAV by padding its data with silence and fixing the sizes: 70 s of 16 kHz mono.
    const dataBytes = 70 * 16000 * 2;
    const long = Buffer.alloc(44 + dataBytes);
    spoken.copy(long, 0, 0, Math.min(spoken.length, long.length));
    long.writeUInt32LE(36 + dataBytes, 4);
    long.writeUInt32LE(dataBytes, 40);
    expect(long.toString('ascii', 36, 40)).to.equal('data'); // sox writes a plain 44-byte header
    server.expect(long, '您好，这里是12345政务服务便民热线。');

    const transcript = await speech.transcribe({ content: long }, 'zh-CN');

    expect(transcript.text).to.equal('您好，这里是12345政务服务便民热线。');
    expect(transcript.durationSeconds).to.equal(70);
    expect(server.requests.map((request) => request.method)).to.deep.equal(['LongRunningRecognize']);
  });

  it('rejects audio it cannot describe without calling Google', async function () {
    const error = await speech.transcribe({ content: Buffer.from('not audio at all') }, 'zh-CN').then(
      () => undefined,
      (failure: unknown) => failure,
    );

    expect(error).to.be.instanceOf(SpeechToTextError);
    expect(error).to.include({ reason: 'invalid_audio', retriable: false, attempts: 0 });
    expect(server.requests).to.have.length(0);
  });
});
