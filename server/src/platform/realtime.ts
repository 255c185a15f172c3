/**
 * Real-time pushes to consoles over socket.io. The PostgreSQL adapter carries broadcasts between server
 * processes through LISTEN/NOTIFY, so any process can emit to any console. The handshake requires a valid
 * access token; each socket joins rooms for its user, role and department, and services publish to rooms
 * after their transaction commits.
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
};

export type Realtime = Publisher & { io: Server; close(): Promise<void> };

export function createRealtime(options: { httpServer: HttpServer; pool: pg.Pool; authenticate: Authenticate; logger: Logger }): Realtime {
  const { logger } = options;
  const io = new Server(options.httpServer, {
    serveClient: false,
    cors: { origin: false },
    adapter: createAdapter(options.pool, { errorHandler: (err) => logger.warn({ err }, 'socket.io adapter error') }),
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

  io.on('connection', (socket: Socket) => {
    const actor = socket.data.actor as UserActor;
    void socket.join([rooms.user(actor.id), rooms.role(actor.role), ...(actor.departmentId ? [rooms.department(actor.departmentId)] : [])]);
    socket.emit('session.ready', { userId: actor.id });
  });

  return {
    io,
    toUser: (id, event, payload) => void io.to(rooms.user(id)).emit(event, payload),
    toRole: (role, event, payload) => void io.to(rooms.role(role)).emit(event, payload),
    toDepartment: (id, event, payload) => void io.to(rooms.department(id)).emit(event, payload),
    close: () =>
      new Promise<void>((resolve) => {
        // io.close() also closes the HTTP server it is attached to; the caller closes that separately.
        io.disconnectSockets(true);
        void (io.of('/').adapter as { close?: () => Promise<void> | void }).close?.();
        resolve();
      }),
  };
}

/** The client sees only the code (`err.message === 'UNAUTHENTICATED'`), never why a token failed. */
function handshakeError(code: string): Error {
  return Object.assign(new Error(code), { data: { code } });
}
