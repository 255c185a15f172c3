/**
 * Provider failures through the real client: what is retried, what is not, how long an attempt may
 * hang, and which port error the caller finally sees. Uses an in-memory tone WAV so it runs even where
 * espeak-ng and sox are missing.
 */
import { expect } from 'chai';
import { createGoogleSpeechToText, type GoogleSpeechToText } from '../../server/src/adapters/google-speech/index.ts';
import { isRetriableSpeechError, SpeechToTextError } from '../../server/src/ports/speech-to-text.ts';
import { startSpeechServer, type SpeechServer } from '../support/speech-server/index.ts';
import { toneWav } from './audio-tools.ts';

async function failureOf(promise: Promise<unknown>): Promise<SpeechToTextError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome, 'expected the transcription to fail').to.be.instanceOf(SpeechToTextError);
  return outcome as SpeechToTextError;
}

describe('speech to text: provider failures', function () {
  let server: SpeechServer;
  let speech: GoogleSpeechToText;
  const audio = toneWav(1.5);

  before(async function () {
    server = await startSpeechServer();
    speech = createGoogleSpeechToText({
      apiEndpoint: '127.0.0.1',
      port: server.port,
      insecure: true,
      maxAttempts: 3,
      retryDelayMs: 20,
      attemptTimeoutMs: 400,
    });
    server.expect(audio, '我要投诉');
  });

  after(async function () {
    await speech?.close();
    await server?.stop();
  });

  beforeEach(function () {
    server.requests.length = 0;
  });

  it('retries UNAVAILABLE and returns the transcript of the attempt that worked', async function () {
    server.failNext(2, 'unavailable');

    const transcript = await speech.transcribe({ content: audio }, 'zh-CN');

    expect(transcript.text).to.equal('我要投诉');
    expect(server.requests.map((request) => request.outcome)).to.deep.equal(['injected_fault', 'injected_fault', 'ok']);
    // Every attempt carried the same bytes.
    expect(new Set(server.requests.map((request) => request.audioSha256)).size).to.equal(1);
  });

  it('gives up after maxAttempts with a retriable "unavailable" error', async function () {
    server.failNext(3, 'unavailable');

    const error = await failureOf(speech.transcribe({ content: audio }, 'zh-CN'));

    expect(error).to.include({ reason: 'unavailable', retriable: true, providerCode: 'UNAVAILABLE', attempts: 3 });
    expect(error.appErrorCode).to.equal('UNAVAILABLE');
    expect(error.userMessage()).to.equal('语音识别服务暂时不可用，稍后自动重试');
    expect(error.userMessage('en')).to.match(/unavailable/i);
    expect(isRetriableSpeechError(error)).to.equal(true);
    expect(server.requests).to.have.length(3);
  });

  it('abandons an attempt that hangs at its deadline and succeeds on the next', async function () {
    server.failNext(1, 'hang');
    const started = performance.now();

    const transcript = await speech.transcribe({ content: audio }, 'zh-CN');

    const elapsed = performance.now() - started;
    expect(transcript.text).to.equal('我要投诉');
    expect(elapsed).to.be.at.least(390).and.below(3000);
    expect(server.requests).to.have.length(2);
    // The client really set a deadline on the wire (not only a local timer).
    expect(server.requests[0]?.deadlineMs).to.be.within(1, 400);
  });

  it('reports "timeout" when every attempt hangs', async function () {
    server.failNext(3, 'hang');

    const error = await failureOf(speech.transcribe({ content: audio }, 'zh-CN'));

    expect(error).to.include({ reason: 'timeout', retriable: true, providerCode: 'DEADLINE_EXCEEDED', attempts: 3 });
  });

  it('does not retry bad credentials', async function () {
    server.failNext(1, 'unauthenticated');

    const error = await failureOf(speech.transcribe({ content: audio }, 'zh-CN'));

    expect(error).to.include({ reason: 'not_authorised', retriable: false, attempts: 1 });
    expect(error.appErrorCode).to.equal('PROVIDER_FAILED');
    expect(server.requests).to.have.length(1);
  });

  it('treats quota exhaustion as retriable rate limiting', async function () {
    server.failNext(3, 'resource_exhausted');

    const error = await failureOf(speech.transcribe({ content: audio }, 'zh-CN'));

    expect(error).to.include({ reason: 'rate_limited', retriable: true, attempts: 3 });
  });

  it('maps a request Google refuses to invalid_audio and does not retry it', async function () {
    // Headerless 16-bit PCM at 4 kHz: the adapter cannot know Google's range, the server refuses it.
    const error = await failureOf(speech.transcribe({ content: Buffer.alloc(8000), mimeType: 'audio/L16', sampleRateHertz: 4000 }, 'zh-CN'));

    expect(error).to.include({ reason: 'invalid_audio', retriable: false, providerCode: 'INVALID_ARGUMENT', attempts: 1 });
    expect(error.message).to.include('sample_rate_hertz (4000)');
    expect(error.appErrorCode).to.equal('VALIDATION');
    expect(server.requests.map((request) => request.outcome)).to.deep.equal(['invalid_argument']);
  });

  it('stops waiting when the job is cancelled', async function () {
    server.failNext(1, 'hang');
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('job cancelled')), 50);
    const started = performance.now();

    const outcome = await speech.transcribe({ content: audio }, 'zh-CN', { signal: controller.signal }).then(
      () => 'resolved',
      (error: Error) => error.message,
    );

    expect(outcome).to.equal('job cancelled');
    expect(performance.now() - started).to.be.below(350);
    expect(server.requests).to.have.length(1);
  });

  it('transcribes Cloud Storage URIs through LongRunningRecognize', async function () {
    server.expect({ uri: 'gs://hotline-recordings/2025/call-1.wav' }, '我想咨询一下居住证。');

    const transcript = await speech.transcribe({ uri: 'gs://hotline-recordings/2025/call-1.wav' }, 'zh-CN');

    expect(transcript.text).to.equal('我想咨询一下居住证。');
    expect(server.requests[0]).to.include({ method: 'LongRunningRecognize', uri: 'gs://hotline-recordings/2025/call-1.wav', encoding: 'LINEAR16' });
  });

  it('retries the submission of a long-running recognition', async function () {
    server.expect({ uri: 'gs://hotline-recordings/2025/call-2.wav' }, '物业不作为。');
    server.failNext(1, 'unavailable');

    const transcript = await speech.transcribe({ uri: 'gs://hotline-recordings/2025/call-2.wav' }, 'zh-CN');

    expect(transcript.text).to.equal('物业不作为。');
    expect(server.requests.map((request) => `${request.method}:${request.outcome}`)).to.deep.equal([
      'LongRunningRecognize:injected_fault',
      'LongRunningRecognize:ok',
    ]);
  });

  it('maps a URI Google cannot read to invalid_audio', async function () {
    const error = await failureOf(speech.transcribe({ uri: 'https://example.invalid/call.wav' }, 'zh-CN'));

    expect(error).to.include({ reason: 'invalid_audio', providerCode: 'INVALID_ARGUMENT' });
  });
});
