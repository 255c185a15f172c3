import { expect } from 'chai';
import { io as connect, type Socket } from 'socket.io-client';
import { buildUser, signIn } from '../support/factories.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe('socket.io handshake and pushes', function () {
  let platform: TestPlatform;
  const sockets: Socket[] = [];
  before(async () => {
    platform = await startTestPlatform();
  });
  afterEach(() => sockets.splice(0).forEach((s) => s.close()));
  after(() => platform?.stop());

  const open = (auth: Record<string, unknown>) => {
    const socket = connect(platform.url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    return socket;
  };
  const refusal = (socket: Socket) =>
    new Promise<string>((resolve, reject) => {
      socket.on('connect', () => reject(new Error('connected without a valid token')));
      socket.on('connect_error', (err) => resolve(err.message));
    });

  it('refuses a connection without a token', async () => {
    expect(await refusal(open({}))).to.equal('UNAUTHENTICATED');
  });

  it('refuses a forged token', async () => {
    expect(await refusal(open({ token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad' }))).to.equal('UNAUTHENTICATED');
  });

  it('accepts a valid token, greets the session and delivers pushes to the user’s rooms', async () => {
    const user = await buildUser(platform.ctx.db, { role: 'supervisor' });
    const { accessToken } = await signIn(platform.api, user);
    const socket = open({ token: accessToken });
    const ready = await new Promise<any>((resolve, reject) => {
      socket.on('session.ready', resolve);
      socket.on('connect_error', reject);
    });
    expect(ready).to.deep.equal({ userId: user.id });
    const received = new Promise<any>((resolve) => socket.on('test.pinged', resolve));
    platform.ctx.publish.toRole('supervisor', 'test.pinged', { n: 1 });
    expect(await received).to.deep.equal({ n: 1 });
  });

  it('refuses a token whose sign-in was revoked', async () => {
    const user = await buildUser(platform.ctx.db, {});
    const { accessToken } = await signIn(platform.api, user);
    await platform.api.post('/api/auth/logout', undefined, accessToken);
    expect(await refusal(open({ token: accessToken }))).to.equal('UNAUTHENTICATED');
  });
});
