import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeStep, parseInputToken } from './cli.ts';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));

describe('ivr-flows: command line', () => {
  it('reads input tokens', () => {
    expect(parseInputToken('3')).to.deep.equal({ kind: 'digits', digits: '3' });
    expect(parseInputToken('timeout')).to.deep.equal({ kind: 'timeout' });
    expect(parseInputToken('say:不满意@0.6')).to.deep.equal({ kind: 'speech', text: '不满意', confidence: 0.6 });
    expect(parseInputToken('rec:RE1:20')).to.deep.equal({ kind: 'recorded', recordingId: 'RE1', durationSeconds: 20 });
    expect(parseInputToken('bot:wants-agent')).to.deep.equal({ kind: 'bot', result: 'wants-agent' });
    expect(() => parseInputToken('bot:maybe')).to.throw(/cannot understand input "bot:maybe"/);
  });

  it('describes steps one per line', () => {
    expect(describeStep({ kind: 'dial', number: '110', record: true, purpose: 'emergency-transfer' })).to.equal('dial 110 (recorded, emergency-transfer)');
    expect(describeStep({ kind: 'enqueue', desk: 'general', priority: 0 })).to.equal('enqueue desk=general priority=0');
  });

  it('check exits 0 on the shipped flows and 1 with the problem named on a broken one', async () => {
    const good = spawnSync(process.execPath, [CLI, 'check'], { encoding: 'utf8' });
    expect(good.status, good.stderr).to.equal(0);
    expect(good.stdout).to.match(/4 flow\(s\) valid: hotline, post-call-rating, survey, voicemail/);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ivr-cli-'));
    try {
      await writeFile(path.join(dir, 'x.yaml'), 'start: a\nnodes:\n  a: { kind: queue, desk: nowhere }\n');
      const bad = spawnSync(process.execPath, [CLI, 'check', dir], { encoding: 'utf8' });
      expect(bad.status).to.equal(1);
      expect(bad.stderr).to.match(/x\.yaml: node "a": desk "nowhere" is not a known desk/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('play prints what the caller hears, turn by turn', () => {
    const run = spawnSync(process.execPath, [CLI, 'play', 'hotline', '--now', '2025-03-05T10:00:00+08:00', '2'], { encoding: 'utf8' });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout.split('\n').map((l) => l.trim())).to.include.members([
      'say [zh-CN] 您好，这里是12345政务服务便民热线。',
      '> 2',
      'enqueue desk=business priority=0',
      'state: ended at queue-business',
    ]);
  });
});
