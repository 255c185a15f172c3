/**
 * A local gRPC server that plays Google Cloud Speech v1 for tests. It loads the proto files shipped
 * inside `@google-cloud/speech` (and the common Google protos shipped with google-gax), so the real
 * client talks to it exactly as it talks to Google: same service, same messages, same status codes.
 *
 * It really inspects each request (see inspect-request.ts) and answers from a registry the test fills:
 * transcripts are keyed by the SHA-256 of the audio bytes, so a match proves the bytes crossed the real
 * client unchanged. Unknown audio gets an empty result list, which is what Google answers for silence.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protos } from '@google-cloud/speech';
import { inspectRecognizeRequest, InvalidArgument, type InspectedRequest, type RecognizeRequestMessage } from './inspect-request.ts';

/** What the server saw in one call, failed or not; tests assert on these. */
export interface RecordedSpeechRequest {
  method: 'Recognize' | 'LongRunningRecognize';
  languageCode: string;
  /** Encoding as sent in the config (`ENCODING_UNSPECIFIED` when omitted). */
  encoding: string;
  /** As sent in the config; 0 when omitted. */
  sampleRateHertz: number;
  audioChannelCount: number;
  enableAutomaticPunctuation: boolean;
  enableWordTimeOffsets: boolean;
  model: string;
  phrases: string[];
  audioSha256: string | undefined;
  audioBytes: number;
  uri: string | undefined;
  /** Facts read from the audio itself (header), when the request passed inspection. */
  inspected: Omit<InspectedRequest, 'source'> | undefined;
  /** The client library's `x-goog-api-client` header: shows which client (gax/gapic versions) called. */
  apiClientHeader: string | undefined;
  /** Deadline the client set for this call, in ms from arrival; undefined when none. */
  deadlineMs: number | undefined;
  outcome: 'ok' | 'invalid_argument' | 'injected_fault';
  /** Status details sent back, when the call failed. */
  error: string | undefined;
}

/** A fault to inject: a gRPC status to fail with, or `hang` to never answer (the client's deadline fires). */
export type SpeechFault = 'unavailable' | 'internal' | 'resource_exhausted' | 'unauthenticated' | 'hang' | { code: grpc.status; details: string };

export interface ExpectOptions {
  /** Confidence to report (0..1); 0.92 by default. */
  confidence?: number;
}

export interface SpeechServer {
  port: number;
  /** `127.0.0.1:port`, for logs. */
  address: string;
  /** Registers what this exact audio (or Cloud Storage URI) "says". */
  expect(audio: Buffer | { uri: string }, transcript: string, options?: ExpectOptions): void;
  /** The next `count` calls fail with `fault` instead of being answered. */
  failNext(count: number, fault: SpeechFault): void;
  /** Every call received, in order. */
  requests: RecordedSpeechRequest[];
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
/** Proto roots shipped in the installed packages (build/src/index.js → build/protos). */
const SPEECH_PROTOS = path.join(path.dirname(require.resolve('@google-cloud/speech')), '..', 'protos');
const GAX_PROTOS = path.join(path.dirname(require.resolve('google-gax')), '..', 'protos');

const FAULT_STATUS: Record<Exclude<SpeechFault, 'hang' | object>, { code: grpc.status; details: string }> = {
  unavailable: { code: grpc.status.UNAVAILABLE, details: 'The service is currently unavailable.' },
  internal: { code: grpc.status.INTERNAL, details: 'Internal error encountered.' },
  resource_exhausted: { code: grpc.status.RESOURCE_EXHAUSTED, details: 'Quota exceeded for quota metric Requests.' },
  unauthenticated: { code: grpc.status.UNAUTHENTICATED, details: 'Request had invalid authentication credentials.' },
};

const PUNCTUATION = /[，。？！、；：,.?!;:]/gu;

function loadSpeechService(): grpc.ServiceDefinition {
  const definition = protoLoader.loadSync('google/cloud/speech/v1/cloud_speech.proto', {
    includeDirs: [SPEECH_PROTOS, GAX_PROTOS],
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    google: { cloud: { speech: { v1: { Speech: grpc.ServiceClientConstructor } } } };
  };
  return loaded.google.cloud.speech.v1.Speech.service;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function toDuration(seconds: number): { seconds: string; nanos: number } {
  const whole = Math.floor(seconds);
  return { seconds: String(whole), nanos: Math.round((seconds - whole) * 1e9) };
}

/** Splits a transcript into words: Chinese by character, other languages by spaces; punctuation dropped. */
function splitWords(transcript: string, languageCode: string): string[] {
  const bare = transcript.replace(PUNCTUATION, ' ');
  return languageCode.startsWith('cmn') || languageCode.startsWith('yue') ? [...bare.replace(/\s+/g, '')] : bare.split(/\s+/).filter(Boolean);
}

type Admission = { kind: 'fault'; fault: SpeechFault } | { kind: 'invalid'; details: string } | { kind: 'inspected'; inspected: InspectedRequest };

interface Registered {
  transcript: string;
  confidence: number;
}

/** Starts the server on a free loopback port. */
export async function startSpeechServer(): Promise<SpeechServer> {
  const registry = new Map<string, Registered>();
  const faults: SpeechFault[] = [];
  const requests: RecordedSpeechRequest[] = [];
  let operationCount = 0;

  /** Builds the results Google would send for inspected audio. */
  function recognise(inspected: InspectedRequest, request: RecognizeRequestMessage): protos.google.cloud.speech.v1.ISpeechRecognitionResult[] {
    const key = 'content' in inspected.source ? sha256(inspected.source.content) : `uri:${inspected.source.uri}`;
    const known = registry.get(key);
    if (!known) return [];
    const config = request.config!;
    // Without automatic punctuation Google returns bare words; honour the flag so tests can see it mattered.
    const transcript = config.enableAutomaticPunctuation ? known.transcript : known.transcript.replace(PUNCTUATION, '');
    const duration = inspected.durationSeconds ?? 1;
    const alternative: protos.google.cloud.speech.v1.ISpeechRecognitionAlternative = { transcript, confidence: known.confidence };
    if (config.enableWordTimeOffsets) {
      // Evenly spread timings: a stand-in for real alignment, enough to check the fields round-trip.
      const words = splitWords(known.transcript, inspected.languageCode);
      const step = duration / Math.max(words.length, 1);
      alternative.words = words.map((word, index) => ({
        word,
        startTime: toDuration(index * step),
        endTime: toDuration((index + 1) * step),
        confidence: known.confidence,
      })) as protos.google.cloud.speech.v1.IWordInfo[];
    }
    return [
      {
        alternatives: [alternative],
        resultEndTime: toDuration(duration) as protos.google.protobuf.IDuration,
        languageCode: inspected.languageCode.toLowerCase(),
      },
    ];
  }

  /** Records the call and decides its fate: an injected fault, INVALID_ARGUMENT, or inspected audio. */
  function admit(method: RecordedSpeechRequest['method'], call: grpc.ServerUnaryCall<RecognizeRequestMessage, unknown>): Admission {
    const { config, audio } = call.request;
    const deadline = call.getDeadline();
    const record: RecordedSpeechRequest = {
      method,
      languageCode: config?.languageCode ?? '',
      encoding: config?.encoding ?? 'ENCODING_UNSPECIFIED',
      sampleRateHertz: config?.sampleRateHertz ?? 0,
      audioChannelCount: config?.audioChannelCount ?? 0,
      enableAutomaticPunctuation: config?.enableAutomaticPunctuation ?? false,
      enableWordTimeOffsets: config?.enableWordTimeOffsets ?? false,
      model: config?.model ?? '',
      phrases: (config?.speechContexts ?? []).flatMap((context) => context.phrases),
      audioSha256: audio?.content?.length ? sha256(audio.content) : undefined,
      audioBytes: audio?.content?.length ?? 0,
      uri: audio?.uri || undefined,
      inspected: undefined,
      apiClientHeader: call.metadata.get('x-goog-api-client')[0]?.toString(),
      deadlineMs: deadline instanceof Date ? deadline.getTime() - Date.now() : Number.isFinite(deadline) ? Number(deadline) - Date.now() : undefined,
      outcome: 'ok',
      error: undefined,
    };
    requests.push(record);
    const fault = faults.shift();
    if (fault !== undefined) {
      record.outcome = 'injected_fault';
      record.error = typeof fault === 'string' ? fault : fault.details;
      return { kind: 'fault', fault };
    }
    try {
      const inspected = inspectRecognizeRequest(call.request, method);
      const { source: _source, ...facts } = inspected;
      record.inspected = facts;
      return { kind: 'inspected', inspected };
    } catch (error) {
      if (!(error instanceof InvalidArgument)) throw error;
      record.outcome = 'invalid_argument';
      record.error = error.message;
      return { kind: 'invalid', details: error.message };
    }
  }

  /** Answers with an error status, or never (a `hang` fault), leaving the client's deadline to fire. */
  function reply<T>(callback: grpc.sendUnaryData<T>, fault: SpeechFault): void {
    if (fault === 'hang') return;
    const status = typeof fault === 'string' ? FAULT_STATUS[fault] : fault;
    callback({ code: status.code, details: status.details, metadata: new grpc.Metadata() } as grpc.ServiceError, null);
  }

  const handlers: grpc.UntypedServiceImplementation = {
    Recognize(call: grpc.ServerUnaryCall<RecognizeRequestMessage, unknown>, callback: grpc.sendUnaryData<unknown>) {
      const admitted = admit('Recognize', call);
      if (admitted.kind === 'fault') return reply(callback, admitted.fault);
      if (admitted.kind === 'invalid') return reply(callback, { code: grpc.status.INVALID_ARGUMENT, details: admitted.details });
      const results = recognise(admitted.inspected, call.request);
      callback(null, {
        results,
        totalBilledTime: toDuration(Math.ceil(admitted.inspected.durationSeconds ?? 0)),
        requestId: String(requests.length),
      });
    },
    LongRunningRecognize(call: grpc.ServerUnaryCall<RecognizeRequestMessage, unknown>, callback: grpc.sendUnaryData<unknown>) {
      const admitted = admit('LongRunningRecognize', call);
      if (admitted.kind === 'fault') return reply(callback, admitted.fault);
      if (admitted.kind === 'invalid') return reply(callback, { code: grpc.status.INVALID_ARGUMENT, details: admitted.details });
      const v1 = protos.google.cloud.speech.v1;
      const response = v1.LongRunningRecognizeResponse.fromObject({
        results: recognise(admitted.inspected, call.request),
        totalBilledTime: toDuration(Math.ceil(admitted.inspected.durationSeconds ?? 0)),
      });
      const metadata = v1.LongRunningRecognizeMetadata.fromObject({ progressPercent: 100 });
      operationCount += 1;
      // The operation is finished before it is returned, so the client never needs to poll GetOperation.
      callback(null, {
        name: `operations/${operationCount}`,
        done: true,
        metadata: { typeUrl: 'type.googleapis.com/google.cloud.speech.v1.LongRunningRecognizeMetadata', value: Buffer.from(v1.LongRunningRecognizeMetadata.encode(metadata).finish()) },
        response: { typeUrl: 'type.googleapis.com/google.cloud.speech.v1.LongRunningRecognizeResponse', value: Buffer.from(v1.LongRunningRecognizeResponse.encode(response).finish()) },
      });
    },
  };

  const server = new grpc.Server();
  server.addService(loadSpeechService(), handlers);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort)));
  });

  return {
    port,
    address: `127.0.0.1:${port}`,
    expect(audio, transcript, options = {}) {
      const key = Buffer.isBuffer(audio) ? sha256(audio) : `uri:${audio.uri}`;
      registry.set(key, { transcript, confidence: options.confidence ?? 0.92 });
    },
    failNext(count, fault) {
      for (let index = 0; index < count; index += 1) faults.push(fault);
    },
    requests,
    stop() {
      // Hanging calls would keep a graceful shutdown waiting for ever; cut them.
      server.forceShutdown();
      return Promise.resolve();
    },
  };
}
