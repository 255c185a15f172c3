/**
 * A PostgreSQL LISTEN that stays up: a dedicated connection (LISTEN cannot share a pooled one) that
 * reconnects with a growing pause (at most 5 s) when it fails, and tells its owner each time it is connected,
 * so the owner can catch up on what it missed while it was down (notifications are not queued for it).
 */
import pg from 'pg';
import type { Logger } from '../logger.ts';

export type ListenerOptions = {
  databaseUrl: string;
  channel: string;
  /** Shown in pg_stat_activity. */
  applicationName: string;
  logger: Logger;
  /** Names the listener in log lines ("routing listener"). */
  label: string;
  onNotification(payload: string | undefined): void;
  /** After LISTEN succeeded; `isReconnect` after a failure, when the owner should catch up. */
  onConnected?(client: pg.Client, isReconnect: boolean): Promise<void> | void;
  /** The connection is gone (failed, or stopped); the owner must stop using it. */
  onDisconnected?(client: pg.Client): void;
};

/** Connects and listens; returns the stop function. The first connection's failure is thrown. */
export async function startListener(options: ListenerOptions): Promise<() => Promise<void>> {
  const { logger, label } = options;
  let stopped = false;
  let client: pg.Client | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;

  const connect = async (isReconnect: boolean): Promise<void> => {
    const next = new pg.Client({ connectionString: options.databaseUrl, application_name: options.applicationName });
    next.on('notification', (message) => {
      if (message.channel === options.channel) options.onNotification(message.payload);
    });
    next.on('error', (error) => {
      logger.warn({ err: error }, `${label} connection failed; reconnecting`);
      scheduleReconnect(next);
    });
    next.on('end', () => scheduleReconnect(next));
    await next.connect();
    await next.query(`LISTEN ${options.channel}`);
    if (stopped) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
    failures = 0;
    await options.onConnected?.(next, isReconnect);
    if (isReconnect) logger.info(`${label} reconnected`);
  };

  const scheduleReconnect = (from: pg.Client) => {
    if (stopped || client !== from || retryTimer) return;
    client = undefined;
    options.onDisconnected?.(from);
    from.removeAllListeners('notification');
    void from.end().catch(() => {});
    const attempt = () => {
      retryTimer = undefined;
      if (stopped) return;
      connect(true).catch((error: unknown) => {
        failures++;
        logger.warn({ err: error, failures }, `${label} could not reconnect`);
        if (!stopped) retryTimer = setTimeout(attempt, Math.min(5_000, 250 * 2 ** failures));
      });
    };
    retryTimer = setTimeout(attempt, Math.min(5_000, 250 * 2 ** failures));
  };

  await connect(false);
  return async () => {
    stopped = true;
    if (retryTimer) clearTimeout(retryTimer);
    const current = client;
    client = undefined;
    if (current) options.onDisconnected?.(current);
    await current?.end().catch(() => {});
  };
}
