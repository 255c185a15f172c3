/**
 * Console pushes across server processes. Two socket.io servers (two "processes": separate pools, HTTP
 * servers and adapters) share one database: an event published in one reaches a console connected to the
 * other; a server alone delivers to its own consoles without a NOTIFY per event. A user whose last console
 * closed is reported once no process has one of theirs for the grace period, and not when one came back on
 * the other process.
 */
import http from 'node:http';
import { expect } from 'chai';
import type pg from 'pg';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { createRealtime, type Realtime, type WhenUserLeaves } from '../../server/src/platform/realtime.ts';
import { createLogger } from '../../server/src/platform/logger.ts';
import { createPool } from '../../server/src/platform/db/database.ts';
import type { UserActor } from '../../server/src/platform/actor.ts';
import { createTestDatabase } from '../support/database.ts';
import { waitFor } from './support.ts';

type Node = { server: http.Server; pool: pg.Pool; realtime: Realtime; url: string; notifies: () => number };

const supervisor: UserActor = {
  kind: 'user',
  id: '00000000-0000-4000-8000-000000000001',
  username: 'rt-supervisor',
  displayName: '班长',
  role: 'supervisor',
  departmentId: null,
  sessionId: 's1',
  ip: null,
  userAgent: null,
  language: 'zh-CN',
};

/** One server "process"; counts the broadcast NOTIFYs its pool sends. */
async function startNode(databaseUrl: string, whenUserLeaves?: WhenUserLeaves): Promise<Node> {
  // The adapter's LISTEN connection outlives the test (the cluster closes it): its error is expected.
  const pool = createPool(databaseUrl, 4, () => undefined);
  let notifies = 0;
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  (pool as { query: unknown }).query = (...args: unknown[]) => {
    const [text, values] = args as [string, unknown[] | undefined];
    // Heartbeats (type 1 and 2) are how processes find each other; broadcasts are type 3.
    if (typeof text === 'string' && text.includes('pg_notify') && JSON.stringify(values ?? []).includes('\\"type\\":3')) notifies++;
    return query(...args);
  };
  const server = http.createServer();
  const realtime = createRealtime({ httpServer: server, pool, authenticate: async () => supervisor, logger: createLogger('silent'), ...(whenUserLeaves ? { whenUserLeaves } : {}) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, pool, realtime, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, notifies: () => notifies };
}

async function connect(node: Node): Promise<Socket> {
  const socket = connectSocket(node.url, { auth: { token: 'any' }, transports: ['websocket'], forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('session.ready', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

async function stopNode(node: Node): Promise<void> {
  await node.realtime.close();
  await new Promise<void>((resolve) => node.server.close(() => resolve()));
  await node.pool.end();
}

describe('real-time pushes across server processes', function () {
  this.timeout(30_000);
  let databaseUrl: string;
  const started: Node[] = [];
  const sockets: Socket[] = [];

  before(async () => {
    databaseUrl = await createTestDatabase();
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    for (const n of started.splice(0)) await stopNode(n);
  });

  it('delivers locally without a NOTIFY while no other process is listening', async () => {
    const a = await startNode(databaseUrl);
    started.push(a);
    const socket = await connect(a);
    sockets.push(socket);
    const got: unknown[] = [];
    socket.on('bench.ping', (p) => got.push(p));
    for (let i = 0; i < 5; i++) a.realtime.toRole('supervisor', 'bench.ping', { i });
    await waitFor('five local events', async () => got.length === 5);
    expect(got).to.deep.equal([0, 1, 2, 3, 4].map((i) => ({ i })));
    expect(a.notifies()).to.equal(0);
  });

  it('carries an event published in one process to a console connected to the other, in order', async () => {
    const a = await startNode(databaseUrl);
    const b = await startNode(databaseUrl);
    started.push(a, b);
    const onB = await connect(b);
    const onA = await connect(a);
    sockets.push(onA, onB);
    const gotB: unknown[] = [];
    const gotA: unknown[] = [];
    onB.on('call.ended', (p) => gotB.push(p));
    onA.on('call.ended', (p) => gotA.push(p));
    // A learns of B from B's first heartbeat.
    await waitFor('A to see B', async () => ((a.realtime.io.of('/').adapter as unknown as { nodesMap: Map<string, number> }).nodesMap.size === 1));
    for (let i = 0; i < 20; i++) a.realtime.toRole('supervisor', 'call.ended', { i });
    await waitFor('twenty events on B', async () => gotB.length === 20);
    expect(gotB).to.deep.equal(Array.from({ length: 20 }, (_, i) => ({ i })));
    expect(gotA).to.have.length(20);
    // Batched: the twenty broadcasts of one tick went out in fewer statements than events.
    expect(a.notifies()).to.be.greaterThan(0).and.lessThan(20);
  });

  it('reports a user gone only when no process has a console of theirs for the grace period', async () => {
    const left: string[] = [];
    const grace: WhenUserLeaves = { afterMs: 400, run: async (user) => void left.push(`${user.id}`) };
    const a = await startNode(databaseUrl, grace);
    const b = await startNode(databaseUrl, grace);
    started.push(a, b);
    const nodesOf = (n: Node) => (n.realtime.io.of('/').adapter as unknown as { nodesMap: Map<string, number> }).nodesMap.size;
    await waitFor('each process to see the other', async () => nodesOf(a) === 1 && nodesOf(b) === 1);

    // A reload that lands on the other process: A's check finds the console on B, so nobody is reported.
    const first = await connect(a);
    first.close();
    const second = await connect(b);
    sockets.push(second);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(left).to.deep.equal([]);

    // Two tabs on one process: closing one is not leaving.
    const third = await connect(b);
    third.close();
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(left).to.deep.equal([]);

    // The last console closes and none comes back: reported once, by the process it was on.
    second.close();
    await waitFor('the user to be reported gone', async () => left.length === 1, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(left).to.deep.equal([supervisor.id]);
  });
});
