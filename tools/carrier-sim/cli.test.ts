import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { startCarrierSim } from './index.ts';
import type { CarrierSim } from './index.ts';
import { startTwimlApp, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from './test-support.ts';
import type { TwimlApp } from './test-support.ts';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));

/** Runs the CLI as `npm run sim` would (plain node, type stripping), with its own env and cwd. */
function runCli(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env, CARRIER_SIM_URL: undefined, ...options.env };
  delete env.NODE_OPTIONS; // the tsx loader from mocha is not what `npm run sim` uses
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: env as NodeJS.ProcessEnv, cwd: options.cwd, timeout: 15_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('carrier-sim: CLI', function () {
  let app: TwimlApp;
  let sim: CarrierSim;

  before(async () => {
    app = await startTwimlApp({
      '/voice/incoming': () =>
        '<Response><Say language="zh-CN">您好，这里是12345政务服务便民热线</Say><Gather numDigits="1" action="/voice/menu"><Say language="zh-CN">涉企问题请按2</Say></Gather></Response>',
      '/voice/menu': (p) => `<Response><Enqueue>${p.Digits === '2' ? 'business' : 'general'}</Enqueue></Response>`,
    });
    sim = await startCarrierSim({
      accountSid: TEST_ACCOUNT_SID,
      authToken: TEST_AUTH_TOKEN,
      voiceUrl: `${app.url}/voice/incoming`,
      hotlineNumber: '+8612345',
      timeScale: 0.01,
    });
  });

  after(async () => {
    await sim.stop();
    await app.stop();
  });

  it('prints one zh-CN line per step of a call through greeting, key press and queue', async () => {
    const { code, stdout } = await runCli(['call', '--from', '13800138000', '--press', '2', '--hold-for', '60', '--sim', sim.url]);
    expect(code).to.equal(0);
    const lines = stdout.trim().split('\n');
    expect(lines).to.deep.equal([
      '拨打: +8612345 (主叫 +8613800138000)',
      '听到: 您好，这里是12345政务服务便民热线',
      '听到: 涉企问题请按2',
      '按键: 2',
      '排队: business',
      '等待 60 秒无人接听, 放弃',
      '挂断 (主叫, completed, 通话 0 秒)',
    ]);
  });

  it('speaks English with --lang en and finds the simulator through CARRIER_SIM_URL', async () => {
    const { code, stdout } = await runCli(['call', '--from', '13800138000', '--hold-for', '20', '--lang', 'en'], { env: { CARRIER_SIM_URL: sim.url } });
    expect(code).to.equal(0);
    const lines = stdout.trim().split('\n');
    expect(lines[1]).to.equal('Heard: 您好，这里是12345政务服务便民热线');
    expect(lines).to.include('No input');
    expect(lines.at(-1)).to.match(/^Hung up by /);
  });

  it('finds the simulator through .data/carrier-sim.json in the working directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-cli-'));
    try {
      await mkdir(join(dir, '.data'));
      await writeFile(join(dir, '.data', 'carrier-sim.json'), JSON.stringify({ url: sim.url }));
      const { code, stdout } = await runCli(['call', '--from', '13800138000', '--press', '1', '--hold-for', '40'], { cwd: dir });
      expect(code).to.equal(0);
      expect(stdout).to.include('排队: general');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says in one line that no simulator is reachable and exits 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-cli-'));
    try {
      const { code, stdout, stderr } = await runCli(['call', '--from', '13800138000', '--sim', 'http://127.0.0.1:9'], { cwd: dir });
      expect(code).to.equal(1);
      expect(stdout).to.equal('');
      expect(stderr.trim().split('\n')).to.have.length(1);
      expect(stderr).to.include('找不到运行中的运营商模拟器');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
