/**
 * `npm start` as a person runs it: a real process on an embedded PostgreSQL under a data folder. Killing it
 * with -9 and starting again must bring back the same data; Ctrl-C must stop everything cleanly.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { apiClient } from '../support/platform.ts';

const main = path.resolve('server/src/main.ts');

type Running = { child: ChildProcess; url: string; output: () => string };

function startProcess(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, [main], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 60 s:\n${output}`)), 60_000);
    const check = () => {
      const url = /控制台 console:\s+(http:\/\/\S+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url, output: () => output });
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ready:\n${output}`));
    });
  });
}

function runToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [main], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', (code) => resolve(code))));

describe('npm start as a process', function () {
  this.timeout(180_000);
  let dataDir: string;
  let running: Running | undefined;
  before(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'hotline-start-'));
    chmodSync(dataDir, 0o755);
  });
  after(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGINT');
      await exited(running.child);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('comes up on an embedded PostgreSQL, prints the sign-ins, survives kill -9 with its data, and stops cleanly on Ctrl-C', async () => {
    const env = { DATA_DIR: dataDir, PORT: '0', DEMO_PASSWORD: 'Start-Test-Pass-1' };
    running = await startProcess(env);
    expect(running.output()).to.include('演示账号').and.include('Start-Test-Pass-1').and.include('agent1');
    let api = apiClient(running.url);
    expect((await api.get('/readyz')).status).to.equal(200);
    const admin = await api.post('/api/auth/login', { username: 'admin', password: 'Start-Test-Pass-1' });
    expect(admin.status).to.equal(200);
    const created = await api.post(
      '/api/directory/users',
      { username: 'survivor', displayName: '重启后仍在', role: 'agent', password: 'survivor-password-1' },
      admin.body.accessToken,
    );
    expect(created.status).to.equal(201);
    const usersBefore = (await api.get('/api/directory/users', admin.body.accessToken)).body.items.length;

    // kill -9: no chance to stop PostgreSQL, which is left running on the data folder.
    running.child.kill('SIGKILL');
    await exited(running.child);
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).to.equal(true);

    running = await startProcess(env);
    api = apiClient(running.url);
    expect((await api.get('/readyz')).status).to.equal(200);
    const survivor = await api.post('/api/auth/login', { username: 'survivor', password: 'survivor-password-1' });
    expect(survivor.status).to.equal(200);
    const again = await api.post('/api/auth/login', { username: 'admin', password: 'Start-Test-Pass-1' });
    // Demo data is seeded once: the second start added no one.
    expect((await api.get('/api/directory/users', again.body.accessToken)).body.items.length).to.equal(usersBefore);

    running.child.kill('SIGINT');
    expect(await exited(running.child)).to.equal(0);
    expect(running.output()).to.include('已停止 (stopped)');
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).to.equal(false);
  });

  it('a bad setting stops the start with one line naming it', async () => {
    const { code, output } = await runToExit({ DATA_DIR: dataDir, PORT: 'eighty' });
    expect(code).to.equal(1);
    expect(output.trim().split('\n')).to.have.length(1);
    expect(output).to.include('PORT').and.include('"eighty"');
  });

  it('a PORT that is taken is named with what to do, and no stack trace', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const { code, output } = await runToExit({ DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'silent' });
      expect(code).to.equal(1);
      expect(output).to.include(`端口 ${port} 已被占用`).and.include(`port ${port} is in use`);
      expect(output).not.to.match(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });
});
