/**
 * Real-time pushes to consoles over socket.io. The PostgreSQL adapter carries broadcasts between server
 * processes through LISTEN/NOTIFY, so any process can emit to any console. The handshake requires a valid
 * access token; each socket joins rooms for its user, role and department, and services publish to rooms
 * after their transaction commits.
 *
 * The adapter as shipped sends one `pg_notify` per emit and delivers to this process's own sockets only after
 * that query returns: every push waited for a free pool connection (behind the webhooks' transactions) and
 * cost a round trip even with no other process to tell. `shareBroadcasts` changes two things and keeps the
 * protocol: local sockets get the event at once, and the NOTIFYs of one tick go out as one statement — or
 * not at all while the adapter's heartbeats show no other server process (it learns of a new one from that
 * process's first heartbeat, sent when its socket.io server is created, before any console can connect to it).
 *
 * It also tells when a user has left: their last console closed (tab, browser or network gone) and none of
 * theirs came back, in any server process, within a grace period (`whenUserLeaves`). A reload or a short
 * network drop reconnects well within it.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/postgres-adapter';
import type pg from 'pg';
import type { Logger } from './logger.ts';
import type { UserActor } from './actor.ts';
import type { Authenticate } from './http/route.ts';
import { AppError } from './errors.ts';
import { pickLanguage } from './i18n.ts';

export const rooms = {
  user: (id: string) => `user:${id}`,
  role: (role: string) => `role:${role}`,
  department: (id: string) => `department:${id}`,
};

/** What services use to push events after commit; event names are the past-tense domain events. */
export type Publisher = {
  toUser(userId: string, event: string, payload: unknown): void;
  toRole(role: string, event: string, payload: unknown): void;
  toDepartment(departmentId: string, event: string, payload: unknown): void;
  /**
   * False when nothing sent to this role now could reach anyone: no console of it connected here and no other
   * server process to tell. Lets a publisher skip building a payload nobody would receive.
   */
  canReachRole(role: string): boolean;
};

export type Realtime = Publisher & { io: Server; close(): Promise<void> };

/** Called once a user has had no console connected to any server process for `afterMs`. */
export type WhenUserLeaves = { afterMs: number; run(actor: UserActor): Promise<void> };

export function createRealtime(options: {
  httpServer: HttpServer;
  pool: pg.Pool;
  authenticate: Authenticate;
  logger: Logger;
  whenUserLeaves?: WhenUserLeaves;
}): Realtime {
  const { logger, whenUserLeaves } = options;
  const io = new Server(options.httpServer, {
    serveClient: false,
    cors: { origin: false },
    adapter: shareBroadcasts(
      createAdapter(options.pool, { errorHandler: (err) => logger.warn({ err }, 'socket.io adapter error') }),
      options.pool,
      (err) => logger.warn({ err }, 'socket.io adapter error'),
    ),
  });

  io.use(async (socket, next) => {
    const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : undefined;
    const origin = {
      ip: socket.handshake.address ?? null,
      userAgent: socket.handshake.headers['user-agent'] ?? null,
      language: pickLanguage(socket.handshake.headers['accept-language']),
    };
    if (!token) return next(handshakeError('UNAUTHENTICATED'));
    try {
      socket.data.actor = await options.authenticate(token, origin);
      next();
    } catch (error) {
      next(handshakeError(error instanceof AppError ? error.code : 'UNAUTHENTICATED'));
    }
  });

  const adapter = io.of('/').adapter as unknown as ClusterAdapterInternals & { rooms: Map<string, Set<string>> };
  const leaving = watchLeavingUsers(io, adapter, whenUserLeaves, logger);

  io.on('connection', (socket: Socket) => {
    const actor = socket.data.actor as UserActor;
    void socket.join([rooms.user(actor.id), rooms.role(actor.role), ...(actor.departmentId ? [rooms.department(actor.departmentId)] : [])]);
    leaving.returned(actor);
    // By 'disconnect' the socket has left its rooms: an empty user room here means no other tab of theirs is open here.
    socket.on('disconnect', () => leaving.closed(actor));
    socket.emit('session.ready', { userId: actor.id });
  });

  // socket.io encodes an event before it looks for the room's sockets: with nobody in the room here and no
  // other server process to tell, there is nothing to encode (a call ending while no console is open).
  const reachable = (room: string) => adapter.rooms.has(room) || adapter.nodesMap.size > 0;
  const emit = (room: string, event: string, payload: unknown) => {
    if (reachable(room)) io.to(room).emit(event, payload);
  };
  return {
    io,
    toUser: (id, event, payload) => emit(rooms.user(id), event, payload),
    toRole: (role, event, payload) => emit(rooms.role(role), event, payload),
    toDepartment: (id, event, payload) => emit(rooms.department(id), event, payload),
    canReachRole: (role) => reachable(rooms.role(role)),
    close: () =>
      new Promise<void>((resolve) => {
        // The consoles this process drops now reconnect to another one (or to it again once it restarts).
        leaving.stop();
        // io.close() also closes the HTTP server it is attached to; the caller closes that separately.
        io.disconnectSockets(true);
        void (io.of('/').adapter as { close?: () => Promise<void> | void }).close?.();
        resolve();
      }),
  };
}

/**
 * Timers for users whose last console here closed. When one runs out and the user has no console here, the
 * check goes to every server process (fetchSockets through the adapter); only when none has one does
 * `whenUserLeaves` run. If a process does not answer the check, nothing is done (the user may be on it).
 */
function watchLeavingUsers(io: Server, adapter: { rooms: Map<string, Set<string>> }, whenUserLeaves: WhenUserLeaves | undefined, logger: Logger) {
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;
  const check = async (actor: UserActor) => {
    timers.delete(actor.id);
    const room = rooms.user(actor.id);
    if (stopped || adapter.rooms.has(room)) return;
    try {
      if ((await io.in(room).fetchSockets()).length > 0 || stopped) return;
      await whenUserLeaves!.run(actor);
    } catch (err) {
      logger.warn({ err, userId: actor.id }, 'could not act on a user whose consoles all closed');
    }
  };
  return {
    closed(actor: UserActor): void {
      if (!whenUserLeaves || stopped || adapter.rooms.has(rooms.user(actor.id))) return;
      clearTimeout(timers.get(actor.id));
      const timer = setTimeout(() => void check(actor), whenUserLeaves.afterMs);
      timer.unref();
      timers.set(actor.id, timer);
    },
    returned(actor: UserActor): void {
      clearTimeout(timers.get(actor.id));
      timers.delete(actor.id);
    },
    stop(): void {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}

/** What the cluster adapter exposes to subclasses, reached on the instance (TypeScript marks it protected). */
type ClusterAdapterInternals = {
  uid: string;
  nodesMap: Map<string, number>;
  doPublish(message: { type: number; nsp?: string; uid?: string }): Promise<string>;
};

/** socket.io-adapter's MessageType.BROADCAST: part of the wire protocol between server processes. */
const BROADCAST = 3;
/** Under the adapter's own 8000-byte threshold; a longer message goes through the adapter (an attachment row). */
const NOTIFY_LIMIT = 7900;

/**
 * Wraps the PostgreSQL adapter factory: broadcasts are delivered locally without waiting for PostgreSQL,
 * skipped on the wire while no other process is alive, and otherwise sent with the tick's other messages in
 * one `select pg_notify(...) from unnest(...)`. Messages keep their order (one flush at a time).
 */
export function shareBroadcasts<F extends (nsp: any) => any>(factory: F, pool: pg.Pool, onError: (err: unknown) => void): F {
  // socket.io calls the factory with `new`: a plain function that returns the adapter object works for both.
  return function sharedAdapter(nsp: unknown) {
    const adapter = factory(nsp);
    const internals = adapter as ClusterAdapterInternals;
    const viaAdapter = internals.doPublish.bind(adapter);
    let queue: { type: number; nsp?: string }[] = [];
    let flushing = false;
    // Once closed (the process is stopping, its pool about to end), broadcasts stay local.
    let closed = false;
    const flush = async () => {
      flushing = true;
      try {
        while (queue.length > 0 && !closed) {
          const batch = queue;
          queue = [];
          let channels: string[] = [];
          let payloads: string[] = [];
          const notify = async () => {
            if (payloads.length === 0) return;
            const [c, p] = [channels, payloads];
            [channels, payloads] = [[], []];
            await pool.query('select pg_notify(c, p) from unnest($1::text[], $2::text[]) as t(c, p)', [c, p]).catch(onError);
          };
          for (const message of batch) {
            if (closed) return;
            const payload = hasBinary(message) ? undefined : JSON.stringify(message);
            if (payload === undefined || Buffer.byteLength(payload) > NOTIFY_LIMIT) {
              await notify();
              await viaAdapter(message).catch(onError);
            } else {
              channels.push(`socket.io#${message.nsp ?? '/'}`);
              payloads.push(payload);
            }
          }
          await notify();
        }
      } finally {
        flushing = false;
      }
    };
    internals.doPublish = (message) => {
      if (closed || (message.type === BROADCAST && internals.nodesMap.size === 0)) return Promise.resolve('');
      queue.push(message);
      if (!flushing) setImmediate(() => void flush());
      flushing = true;
      // No connection-state-recovery offset (the PostgreSQL adapter has none either).
      return Promise.resolve('');
    };
    // The first announcement goes out before this process's LISTEN connection is up, so processes that
    // start together can miss each other's until the next heartbeat (5 s); a second one a second later
    // (answered by every live process) closes that window.
    const announce = setTimeout(() => (adapter as { init?: () => void }).init?.(), 1000);
    announce.unref();
    const close = (adapter as { close: () => void }).close.bind(adapter);
    (adapter as { close: () => void }).close = () => {
      closed = true;
      queue = [];
      clearTimeout(announce);
      close();
    };
    return adapter;
  } as F;
}

function hasBinary(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return true;
  if (Array.isArray(value)) return value.some(hasBinary);
  return Object.values(value).some(hasBinary);
}

/** The client sees only the code (`err.message === 'UNAUTHENTICATED'`), never why a token failed. */
function handshakeError(code: string): Error {
  return Object.assign(new Error(code), { data: { code } });
}
