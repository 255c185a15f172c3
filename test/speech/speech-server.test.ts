/**
 * The local speech server must refuse what Google refuses, or the adapter tests prove nothing. These
 * tests talk to it with the bare `SpeechClient` and send requests the adapter would never build.
 */
import { expect } from 'chai';
import { v1 } from '@google-cloud/speech';
import type { protos } from '@google-cloud/speech';
import { googleAuthLibrary, grpc, Status } from 'google-gax';
import { startSpeechServer, type SpeechServer } from '../support/speech-server/index.ts';
import { toneWav } from './audio-tools.ts';

type Request = protos.google.cloud.speech.v1.IRecognizeRequest;

describe('speech to text: the local Google Speech server', function () {
  let server: SpeechServer;
  let client: InstanceType<typeof v1.SpeechClient>;
  const wav16k = toneWav(1, 16000);

  before(async function () {
    server = await startSpeechServer();
    client = new v1.SpeechClient({
      apiEndpoint: '127.0.0.1',
      port: server.port,
      sslCreds: grpc.credentials.createInsecure(),
      authClient: new googleAuthLibrary.PassThroughClient(),
    });
  });

  after(async function () {
    await client?.close();
    await server?.stop();
  });

  async function statusOf(request: Request): Promise<{ code: number | undefined; details: string }> {
    try {
      await client.recognize(request, { retry: null, timeout: 2000 });
      return { code: Status.OK, details: '' };
    } catch (error) {
      const failure = error as { code?: number; details?: string; message: string };
      return { code: failure.code, details: failure.details ?? failure.message };
    }
  }

  const valid = (): Request => ({ config: { languageCode: 'cmn-Hans-CN', encoding: 'LINEAR16', sampleRateHertz: 16000 }, audio: { content: wav16k } });

  it('answers a consistent request', async function () {
    expect(await statusOf(valid())).to.deep.equal({ code: Status.OK, details: '' });
  });

  it('refuses a sample rate that contradicts the WAV header, as Google does', async function () {
    const request = valid();
    request.config!.sampleRateHertz = 8000;

    const { code, details } = await statusOf(request);

    expect(code).to.equal(Status.INVALID_ARGUMENT);
    expect(details).to.include('sample_rate_hertz (8000)').and.include('WAV header ( 16000)');
  });

  it('refuses an encoding that contradicts the WAV header', async function () {
    const request = valid();
    request.config!.encoding = 'MULAW';

    expect((await statusOf(request)).code).to.equal(Status.INVALID_ARGUMENT);
  });

  it('refuses a missing or unknown language code, including zh-CN', async function () {
    for (const languageCode of ['', 'zh-CN', 'klingon']) {
      const request = valid();
      request.config!.languageCode = languageCode;
      expect((await statusOf(request)).code, languageCode || '(empty)').to.equal(Status.INVALID_ARGUMENT);
    }
  });

  it('refuses empty audio', async function () {
    expect((await statusOf({ config: valid().config!, audio: { content: Buffer.alloc(0) } })).code).to.equal(Status.INVALID_ARGUMENT);
  });

  it('refuses stereo WAV unless the channel count is declared', async function () {
    const stereo = toneWav(1, 16000);
    stereo.writeUInt16LE(2, 22);
    stereo.writeUInt32LE(16000 * 4, 28);
    stereo.writeUInt16LE(4, 32);
    const request: Request = { config: { languageCode: 'cmn-Hans-CN' }, audio: { content: stereo } };

    expect((await statusOf(request)).details).to.include('WAV header indicates 2 channels');
    request.config!.audioChannelCount = 2;
    expect((await statusOf(request)).code).to.equal(Status.OK);
  });

  it('refuses more than a minute of audio on the sync method', async function () {
    const request: Request = { config: { languageCode: 'cmn-Hans-CN' }, audio: { content: toneWav(61, 8000) } };

    expect((await statusOf(request)).details).to.include('Sync input too long');
  });

  it('keeps punctuation only when automatic punctuation is asked for', async function () {
    server.expect(wav16k, '公积金怎么提取？');

    const [plain] = await client.recognize(valid(), { retry: null });
    const punctuated = valid();
    punctuated.config!.enableAutomaticPunctuation = true;
    const [withPunctuation] = await client.recognize(punctuated, { retry: null });

    expect(plain.results?.[0]?.alternatives?.[0]?.transcript).to.equal('公积金怎么提取');
    expect(withPunctuation.results?.[0]?.alternatives?.[0]?.transcript).to.equal('公积金怎么提取？');
    expect(withPunctuation.results?.[0]?.languageCode).to.equal('cmn-hans-cn');
  });

  it('answers unknown audio with no results, as Google does for silence', async function () {
    const [response] = await client.recognize({ ...valid(), audio: { content: toneWav(1, 16000, 300) } }, { retry: null });

    expect(response.results).to.deep.equal([]);
    expect(Number(response.totalBilledTime?.seconds)).to.equal(1);
  });
});
