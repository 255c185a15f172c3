/** A local Google Speech v1 gRPC server for tests; see speech-server.ts. */
export { startSpeechServer, type RecordedSpeechRequest, type SpeechFault, type SpeechServer } from './speech-server.ts';
export { SUPPORTED_LANGUAGE_CODES, SYNC_LIMIT_SECONDS } from './inspect-request.ts';
