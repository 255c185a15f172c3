/**
 * The only reader of process.env. Every setting is parsed with zod once at start-up; a bad value stops the
 * start with one line that names the variable and what is expected (zh-CN first, then English).
 */
import path from 'node:path';
import * as z from 'zod';

const bool = z.stringbool({ truthy: ['1', 'true', 'yes', 'on'], falsy: ['0', 'false', 'no', 'off', ''] });
const port = z.coerce.number().int().min(0).max(65535);

/** What each variable means, in both languages, for the one-line error and the README's table. */
export const settingDocs: Record<string, { zh: string; en: string }> = {
  PORT: { zh: '0–65535 的整数', en: 'an integer from 0 to 65535' },
  HOST: { zh: '监听地址，如 127.0.0.1 或 0.0.0.0', en: 'an address to listen on, such as 127.0.0.1 or 0.0.0.0' },
  DATABASE_URL: { zh: 'postgres:// 开头的连接串', en: 'a postgres:// connection string' },
  DATA_DIR: { zh: '一个目录路径', en: 'a directory path' },
  SEED_DEMO: { zh: '1 或 0', en: '1 or 0' },
  DEMO_PASSWORD: { zh: '至少 8 个字符', en: 'at least 8 characters' },
  JWT_SECRET: { zh: '至少 32 个字符的随机串', en: 'a random string of at least 32 characters' },
  ACCESS_TOKEN_TTL_SECONDS: { zh: '60–900 的整数（秒）', en: 'an integer from 60 to 900 (seconds)' },
  REFRESH_TOKEN_TTL_DAYS: { zh: '1–90 的整数（天）', en: 'an integer from 1 to 90 (days)' },
  LOGIN_SLOW_AFTER: { zh: '1–20 的整数', en: 'an integer from 1 to 20' },
  LOGIN_MAX_FAILURES: { zh: '1–50 的整数', en: 'an integer from 1 to 50' },
  LOGIN_LOCK_MINUTES: { zh: '1–1440 的整数（分钟）', en: 'an integer from 1 to 1440 (minutes)' },
  LOG_LEVEL: { zh: 'fatal、error、warn、info、debug、trace 或 silent', en: 'fatal, error, warn, info, debug, trace or silent' },
  PROCESS_ROLES: { zh: '逗号分隔的 web、worker', en: 'a comma-separated list of web, worker' },
  WORKER_CONCURRENCY: { zh: '1–64 的整数', en: 'an integer from 1 to 64' },
  WORKER_SCHEDULE: { zh: 'on 或 off', en: 'on or off' },
  PUBLIC_URL: { zh: '外部可访问的 http(s) 地址', en: 'the http(s) address the outside world reaches this server at' },
  TIMEZONE: { zh: 'IANA 时区名，如 Asia/Shanghai', en: 'an IANA time zone such as Asia/Shanghai' },
  DB_POOL_SIZE: { zh: '1–200 的整数', en: 'an integer from 1 to 200' },
  DATA_KEY: { zh: '至少 32 字节的 base64url 密钥（加密电话号码等个人信息）', en: 'a base64url key of at least 32 bytes (encrypts phone numbers and other personal data)' },
  TWILIO_ACCOUNT_SID: { zh: 'AC 开头的 34 位账号 SID', en: 'an account SID: AC followed by 32 hex digits' },
  TWILIO_AUTH_TOKEN: { zh: 'Twilio 的 Auth Token（32 位）', en: 'the Twilio auth token (32 characters)' },
  TWILIO_HOTLINE_NUMBER: { zh: 'E.164 格式的热线号码，如 +8612345', en: 'the hotline number in E.164 form, such as +8612345' },
  TWILIO_API_KEY_SID: { zh: 'SK 开头的 API Key SID', en: 'an API key SID starting with SK' },
  TWILIO_API_KEY_SECRET: { zh: 'API Key 的密钥', en: 'the API key secret' },
  TWILIO_TWIML_APP_SID: { zh: 'AP 开头的 TwiML App SID', en: 'a TwiML app SID starting with AP' },
  GOOGLE_SPEECH_ENDPOINT: { zh: '语音识别服务地址 host:port', en: 'the speech service address, host:port' },
  CARRIER_SIM_URL: { zh: '已运行的话务模拟器地址（与 TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN 一起使用）', en: 'the URL of a running carrier simulator (with its TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)' },
  SIM_TIME_SCALE: { zh: '大于 0 的数（模拟器 1 秒对应的真实秒数）', en: 'a number above 0 (real seconds per simulated second)' },
  TELEPHONY_REST_TIMEOUT_MS: { zh: '500–60000 的整数（毫秒）', en: 'an integer from 500 to 60000 (milliseconds)' },
  ACD_RING_TIMEOUT_SECONDS: { zh: '大于 0 的秒数', en: 'a number of seconds above 0' },
  ACD_OVERFLOW_SECONDS: { zh: '大于 0 的秒数', en: 'a number of seconds above 0' },
  ACD_WRAP_UP_SECONDS: { zh: '不小于 0 的秒数', en: 'a number of seconds, 0 or more' },
  ACD_SWEEP_SECONDS: { zh: '大于 0 的秒数', en: 'a number of seconds above 0' },
  ACD_CONSOLE_GRACE_SECONDS: { zh: '1–3600 的秒数', en: 'a number of seconds from 1 to 3600' },
  CALL_STALE_SECONDS: { zh: '不小于 1 的秒数', en: 'a number of seconds, 1 or more' },
  CALLBACK_HOURS: { zh: '回拨时段，如 08:00-20:00', en: 'calling hours such as 08:00-20:00' },
};

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//)
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  SEED_DEMO: bool.optional(),
  DEMO_PASSWORD: z.string().min(8).default('Hotline@12345'),
  JWT_SECRET: z.string().min(32).optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(900).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  LOGIN_SLOW_AFTER: z.coerce.number().int().min(1).max(20).default(3),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(50).default(5),
  LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PROCESS_ROLES: z
    .string()
    .default('web,worker')
    .transform((s) => s.split(',').map((r) => r.trim()).filter(Boolean))
    .pipe(z.array(z.enum(['web', 'worker'])).min(1)),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Whether this process's worker runs the recurring jobs (rollups, sweeps, reminders); off leaves them to others. */
  WORKER_SCHEDULE: bool.default(true),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  TIMEZONE: z
    .string()
    .default('Asia/Shanghai')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43,}$/)
    .optional(),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-f]{32}$/)
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(16).optional(),
  TWILIO_HOTLINE_NUMBER: z
    .string()
    .regex(/^\+\d{4,15}$/)
    .default('+8612345'),
  TWILIO_API_KEY_SID: z
    .string()
    .regex(/^SK[0-9a-f]{32}$/)
    .optional(),
  TWILIO_API_KEY_SECRET: z.string().min(16).optional(),
  TWILIO_TWIML_APP_SID: z
    .string()
    .regex(/^AP[0-9a-f]{32}$/)
    .optional(),
  GOOGLE_SPEECH_ENDPOINT: z
    .string()
    .regex(/^[\w.-]+:\d+$/)
    .optional(),
  CARRIER_SIM_URL: z.url({ protocol: /^http$/ }).optional(),
  SIM_TIME_SCALE: z.coerce.number().positive().max(100).default(1),
  TELEPHONY_REST_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(10_000),
  ACD_RING_TIMEOUT_SECONDS: z.coerce.number().positive().max(120).default(20),
  ACD_OVERFLOW_SECONDS: z.coerce.number().positive().max(3600).default(60),
  ACD_WRAP_UP_SECONDS: z.coerce.number().min(0).max(600).default(15),
  ACD_SWEEP_SECONDS: z.coerce.number().positive().max(300).default(5),
  /** An agent whose every console has been closed this long is taken off the phone queue. */
  ACD_CONSOLE_GRACE_SECONDS: z.coerce.number().min(1).max(3600).default(60),
  /** Open calls older than this are checked with the carrier (a lost final status callback). */
  CALL_STALE_SECONDS: z.coerce.number().min(1).max(86_400).default(600),
  CALLBACK_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/)
    .default('08:00-20:00'),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  /** Undefined means "3000, or the next free port when 3000 is taken". */
  port: number | undefined;
  host: string;
  /** Undefined means: run the embedded PostgreSQL under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  seedDemo: boolean;
  demoPassword: string;
  jwtSecret: string | undefined;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  login: { slowAfter: number; maxFailures: number; lockMinutes: number };
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  roles: { web: boolean; worker: boolean };
  workerConcurrency: number;
  workerSchedule: boolean;
  publicUrl: string | undefined;
  timezone: string;
  dbPoolSize: number;
  /** Master key for personal data; generated once and kept in the database when not given. */
  dataKey: string | undefined;
  /**
   * `twilio` talks to Twilio with the given account; `simulator` (the default when no account is configured)
   * runs the local carrier simulator and points the same Twilio client at it.
   */
  telephony:
    | {
        mode: 'twilio';
        accountSid: string;
        authToken: string;
        hotlineNumber: string;
        apiKeySid?: string;
        apiKeySecret?: string;
        twimlAppSid?: string;
        /** An already-running carrier simulator to use instead of Twilio (a second process sharing one). */
        simulatorUrl?: string;
        restTimeoutMs?: number;
      }
    | { mode: 'simulator'; hotlineNumber: string; timeScale?: number; restTimeoutMs?: number };
  /** Call handling (ACD) timings and calling hours; see modules/routing. */
  calls: {
    ringTimeoutSeconds: number;
    overflowSeconds: number;
    wrapUpSeconds: number;
    sweepSeconds: number;
    /** An agent with no console open anywhere for this long is signed off the phone queue (a page reload or a network blip is shorter). */
    consoleGraceSeconds: number;
    /** Calls open longer than this are checked with the carrier, in case their final status was lost. */
    staleCallSeconds: number;
    /** 漏接回拨 only between these clock times, in `timezone`. */
    callbackHours: { from: string; to: string };
  };
  /** Google speech endpoint override (a local server); Google's own endpoint and credentials otherwise. */
  speechEndpoint: { host: string; port: number } | undefined;
};

/** A configuration error carries the one line to print; main prints it and exits without a stack. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses an environment (process.env by default) into a Config, or throws a ConfigError naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(withoutBlanks(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? '');
    const doc = settingDocs[name];
    const got = env[name];
    throw new ConfigError(
      `配置错误：${name} 应为${doc?.zh ?? '合法的值'}，实际为 ${JSON.stringify(got)}` +
        ` (configuration error: ${name} must be ${doc?.en ?? 'a valid value'}, got ${JSON.stringify(got)})`,
    );
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    // Demo accounts exist only where nobody could mistake them for real ones: the embedded database, or on request.
    seedDemo: e.SEED_DEMO ?? e.DATABASE_URL === undefined,
    demoPassword: e.DEMO_PASSWORD,
    jwtSecret: e.JWT_SECRET,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
    login: { slowAfter: e.LOGIN_SLOW_AFTER, maxFailures: e.LOGIN_MAX_FAILURES, lockMinutes: e.LOGIN_LOCK_MINUTES },
    logLevel: e.LOG_LEVEL,
    roles: { web: e.PROCESS_ROLES.includes('web'), worker: e.PROCESS_ROLES.includes('worker') },
    workerConcurrency: e.WORKER_CONCURRENCY,
    workerSchedule: e.WORKER_SCHEDULE,
    publicUrl: e.PUBLIC_URL,
    timezone: e.TIMEZONE,
    dbPoolSize: e.DB_POOL_SIZE,
    dataKey: e.DATA_KEY,
    telephony: telephonyOf(e),
    calls: {
      ringTimeoutSeconds: e.ACD_RING_TIMEOUT_SECONDS,
      overflowSeconds: e.ACD_OVERFLOW_SECONDS,
      wrapUpSeconds: e.ACD_WRAP_UP_SECONDS,
      sweepSeconds: e.ACD_SWEEP_SECONDS,
      consoleGraceSeconds: e.ACD_CONSOLE_GRACE_SECONDS,
      staleCallSeconds: e.CALL_STALE_SECONDS,
      callbackHours: { from: e.CALLBACK_HOURS.slice(0, 5), to: e.CALLBACK_HOURS.slice(6) },
    },
    speechEndpoint: e.GOOGLE_SPEECH_ENDPOINT
      ? { host: e.GOOGLE_SPEECH_ENDPOINT.split(':')[0]!, port: Number(e.GOOGLE_SPEECH_ENDPOINT.split(':')[1]) }
      : undefined,
  };
}

function telephonyOf(e: z.infer<typeof EnvSchema>): Config['telephony'] {
  if (!e.TWILIO_ACCOUNT_SID) return { mode: 'simulator', hotlineNumber: e.TWILIO_HOTLINE_NUMBER, timeScale: e.SIM_TIME_SCALE, restTimeoutMs: e.TELEPHONY_REST_TIMEOUT_MS };
  if (!e.TWILIO_AUTH_TOKEN) {
    throw new ConfigError(
      `配置错误：设置了 TWILIO_ACCOUNT_SID 时必须同时设置 TWILIO_AUTH_TOKEN (configuration error: TWILIO_AUTH_TOKEN is required when TWILIO_ACCOUNT_SID is set)`,
    );
  }
  return {
    mode: 'twilio',
    accountSid: e.TWILIO_ACCOUNT_SID,
    authToken: e.TWILIO_AUTH_TOKEN,
    hotlineNumber: e.TWILIO_HOTLINE_NUMBER,
    apiKeySid: e.TWILIO_API_KEY_SID,
    apiKeySecret: e.TWILIO_API_KEY_SECRET,
    twimlAppSid: e.TWILIO_TWIML_APP_SID,
    simulatorUrl: e.CARRIER_SIM_URL,
    restTimeoutMs: e.TELEPHONY_REST_TIMEOUT_MS,
  };
}

/** An empty variable (`PORT=`) means "not set", as shells and .env files usually intend. */
function withoutBlanks(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim() !== '') out[k] = v;
  return out;
}
