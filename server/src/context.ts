/**
 * What use cases need from the running platform, built once in server.ts (or by the test harness) and passed
 * to services as their first argument. Holding it in one explicit object keeps services free of globals.
 */
import type { Config } from './config.ts';
import type { Db } from './platform/db/database.ts';
import type { Logger } from './platform/logger.ts';
import type { PiiVault } from './platform/pii.ts';
import type { Publisher } from './platform/realtime.ts';
import type { SmsSender } from './ports/sms-sender.ts';
import type { SpeechToText } from './ports/speech-to-text.ts';
import type { SimulatedSoftphones, TelephonyPort } from './ports/telephony.ts';

/** Vendors, in domain words. Adapters implement them; modules see only these. */
export type Ports = {
  sms: SmsSender;
  /** Undefined when no speech service is configured; transcription jobs then record that they could not run. */
  speech: SpeechToText | undefined;
  /** Twilio (or the carrier simulator through the same client); undefined in a process without it. */
  telephony?: TelephonyPort;
  /** Simulator mode only: agents' simulated softphones (answer from the console without a browser phone). */
  softphones?: SimulatedSoftphones;
};

export type AppContext = {
  config: Config;
  db: Db;
  logger: Logger;
  /** Pushes to consoles; a no-op publisher in processes without the web role. */
  publish: Publisher;
  /** HMAC key for access tokens: JWT_SECRET, or one generated once and kept in the database. */
  jwtSecret: string;
  /** Phone numbers: keyed hash for lookup, encryption at rest, masking. */
  pii: PiiVault;
  ports: Ports;
  /** Base URL the outside world (Twilio, citizens' browsers) reaches this platform at. */
  publicUrl: string;
};

export const silentPublisher: Publisher = { toUser() {}, toRole() {}, toDepartment() {}, canReachRole: () => false };
