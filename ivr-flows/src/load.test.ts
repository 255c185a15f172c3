import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FlowValidationError, checkFlowText, formatFlowIssue, loadFlows, parseFlow, type FlowIssue } from './load.ts';

const FILE = 'ivr-flows/flows/hotline.yaml';

/** The messages parseFlow throws for `text`, one per error. */
function errorsOf(text: string, options = {}): string[] {
  try {
    parseFlow(text, FILE, options);
  } catch (error) {
    expect(error).to.be.instanceOf(FlowValidationError);
    return (error as FlowValidationError).issues.filter((i) => i.severity === 'error').map(formatFlowIssue);
  }
  throw new Error('expected the flow to be rejected');
}

const PROMPT = '{ zh-CN: 您好, en: Hello }';

/** A valid two-node flow with `extra` lines added to its nodes. */
function flowText(extra = ''): string {
  return `start: greeting
nodes:
  greeting:
    kind: say
    prompt: ${PROMPT}
    next: desk-menu
  desk-menu:
    kind: menu
    prompt: ${PROMPT}
    options:
      - key: "1"
        next: queue-general
    noInput: queue-general
  queue-general:
    kind: queue
    desk: general
${extra}`;
}

describe('ivr-flows: loading and checking flows', () => {
  it('accepts a valid flow and fills in the defaults', () => {
    const { flow, warnings } = parseFlow(flowText(), FILE);
    expect(warnings).to.deep.equal([]);
    expect(flow.id).to.equal('hotline');
    expect(flow.language).to.equal('zh-CN');
    expect(flow.fallback.desk).to.equal('general');
    const menu = flow.nodes['desk-menu'];
    expect(menu?.kind === 'menu' && [menu.timeoutSeconds, menu.retries, menu.input]).to.deep.equal([5, 1, ['dtmf', 'speech']]);
    expect(flow.nodes.greeting?.kind === 'say' && flow.nodes.greeting.prompt).to.deep.equal([{ 'zh-CN': '您好', en: 'Hello' }]);
  });

  it('names the file, the node and the missing target of a reference, with its line', () => {
    const text = flowText().replace('next: queue-general\n    noInput', 'next: queue-x\n    noInput');
    expect(errorsOf(text)).to.deep.equal([`${FILE}: node "desk-menu": options[0].next "queue-x" does not exist (line 12)`]);
  });

  it('reports a missing start node', () => {
    expect(errorsOf(flowText().replace('start: greeting', 'start: hello'))).to.deep.equal([`${FILE}: start "hello" does not exist (line 1)`]);
  });

  it('reports an unknown node kind with the kinds that exist', () => {
    const [message] = errorsOf(flowText('  oops:\n    kind: play\n'));
    expect(message).to.match(/^ivr-flows\/flows\/hotline\.yaml: node "oops": unknown kind "play"; use one of say, menu, rating/);
    expect(message).to.match(/\(line 18\)$/);
  });

  it('reports a missing required field and an unknown (misspelt) field', () => {
    expect(errorsOf(flowText().replace('    desk: general\n', ''))).to.deep.equal([`${FILE}: node "queue-general": desk is missing (line 15)`]);
    expect(errorsOf(flowText().replace('next: desk-menu', 'nxt: desk-menu'))).to.deep.equal([
      `${FILE}: node "greeting": next is missing (line 4)`,
      `${FILE}: node "greeting": unknown field "nxt" (line 6)`,
    ]);
  });

  it('requires every prompt in both zh-CN and en', () => {
    const [message] = errorsOf(flowText().replace(`prompt: ${PROMPT}\n    next: desk-menu`, 'prompt: { zh-CN: 您好 }\n    next: desk-menu'));
    expect(message).to.equal(`${FILE}: node "greeting": prompt: prompt needs text in both zh-CN and en (en is missing) (line 5)`);
  });

  it('reports unknown desks, bad time zones and backwards hours', () => {
    const errors = errorsOf(
      flowText().replace('desk: general', 'desk: generla') +
        `  hours:
    kind: hours
    timezone: Asia/Beijing
    weekly: { mon: ["20:00-08:00"] }
    open: queue-general
    closed: queue-general
`,
    );
    expect(errors).to.include(`${FILE}: node "queue-general": desk "generla" is not a known desk (general, dialect, business, foreign) (line 16)`);
    expect(errors.some((e) => e.includes('node "hours": timezone "Asia/Beijing" is not a known time zone'))).to.equal(true);
    expect(errors.some((e) => e.includes('node "hours": weekly.mon[0] "20:00-08:00" must end after it starts'))).to.equal(true);
  });

  it('accepts desks the directory adds', () => {
    const text = flowText().replace('desk: general', 'desk: elderly');
    expect(errorsOf(text)[0]).to.match(/desk "elderly" is not a known desk/);
    expect(parseFlow(text, FILE, { desks: ['general', 'elderly'] }).flow.nodes['queue-general']).to.deep.include({ desk: 'elderly' });
  });

  it('rejects duplicate keys and keys of different lengths in a menu', () => {
    const text = flowText().replace('        next: queue-general\n    noInput', '        next: queue-general\n      - key: "1"\n        next: greeting\n      - key: "22"\n        next: greeting\n    noInput');
    const errors = errorsOf(text);
    expect(errors).to.include(`${FILE}: node "desk-menu": key "1" is used by options[0] and options[1] (line 13)`);
    expect(errors.some((e) => e.includes('node "desk-menu": all keys must have the same number of digits'))).to.equal(true);
  });

  it('warns about unreachable nodes without failing', () => {
    const { warnings } = parseFlow(flowText('  orphan:\n    kind: hangup\n'), FILE);
    expect(warnings.map(formatFlowIssue)).to.deep.equal([`${FILE}: warning: node "orphan": unreachable from start "greeting" (line 18)`]);
  });

  it('rejects a loop that never waits for the caller', () => {
    const text = `start: a
nodes:
  a: { kind: say, prompt: ${PROMPT}, next: b }
  b:
    kind: branch
    cases: [{ when: { fact: repeatCaller, equals: true }, next: done }]
    default: a
  done: { kind: hangup }
`;
    expect(errorsOf(text)).to.deep.equal([`${FILE}: node "a": loop without input: a → b → a (line 3)`]);
  });

  it('accepts a loop through a node that waits for input', () => {
    const text = `start: ask
nodes:
  ask:
    kind: menu
    prompt: ${PROMPT}
    options: [{ key: "9", next: again }, { key: "1", next: done }]
  again: { kind: say, prompt: ${PROMPT}, next: ask }
  done: { kind: hangup }
`;
    expect(parseFlow(text, FILE).warnings).to.deep.equal([]);
  });

  it('rejects nodes from which the call can never end', () => {
    const text = `start: rate
nodes:
  rate:
    kind: rating
    outcome: satisfaction
    prompt: ${PROMPT}
    choices: [{ key: "1", value: satisfied }]
    next: rate
    noAnswer: { value: no-answer, next: rate }
`;
    expect(errorsOf(text)).to.deep.equal([`${FILE}: node "rate": no path from here ends the call (a queue, transfer or hangup) (line 4)`]);
  });

  it('rejects badly typed branch conditions', () => {
    const text = flowText(`  b:
    kind: branch
    cases: [{ when: { fact: callerBlocked, equals: "yes" }, next: queue-general }]
    default: queue-general
`);
    expect(errorsOf(text)[0]).to.match(/node "b": cases\[0\]\.when: callerBlocked is compared with true or false/);
  });

  it('reports YAML syntax errors and duplicate keys with a line', () => {
    expect(errorsOf('start: a\nnodes:\n  a: { kind: hangup\n')[0]).to.match(/^ivr-flows\/flows\/hotline\.yaml: YAML: .*\(line \d+\)$/);
    const dup = errorsOf('start: a\nnodes:\n  a: { kind: hangup }\n  a: { kind: hangup }\n');
    expect(dup[0]).to.match(/YAML: Map keys must be unique.*\(line 4\)$/);
  });

  it('rejects a file that is not a mapping, and bad node ids', () => {
    expect(errorsOf('- just a list')).to.deep.equal([`${FILE}: a flow file is a mapping with "start" and "nodes"`]);
    expect(errorsOf(flowText('  "bad id":\n    kind: hangup\n'))[0]).to.match(/node "bad id": "bad id" is not a valid node id/);
  });

  it('checkFlowText returns issues without throwing', () => {
    const { flow, issues } = checkFlowText('start: a\nnodes: {}\n', 'x.yaml');
    expect(flow?.id).to.equal('x');
    expect(issues.map((i: FlowIssue) => [i.severity, i.message])).to.deep.equal([['error', 'start "a" does not exist']]);
  });

  describe('loadFlows', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'ivr-flows-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('loads every YAML file by id and ignores other files', async () => {
      await writeFile(path.join(dir, 'a.yaml'), flowText());
      await writeFile(path.join(dir, 'b.yml'), 'id: bee\nstart: x\nnodes:\n  x: { kind: hangup }\n');
      await writeFile(path.join(dir, 'notes.txt'), 'not a flow');
      const { flows } = await loadFlows(dir);
      expect([...flows.keys()]).to.deep.equal(['a', 'bee']);
    });

    it('reports the errors of every file at once, plus missing required flows and duplicate ids', async () => {
      await writeFile(path.join(dir, 'a.yaml'), flowText().replace('next: desk-menu', 'next: nowhere'));
      await writeFile(path.join(dir, 'b.yaml'), 'start: x\nnodes:\n  x: { kind: hangup, prompt: { zh-CN: 再见 } }\n');
      await writeFile(path.join(dir, 'c.yaml'), 'id: d\nstart: x\nnodes:\n  x: { kind: hangup }\n');
      await writeFile(path.join(dir, 'd.yaml'), 'start: x\nnodes:\n  x: { kind: hangup }\n');
      const error = await loadFlows(dir, { required: ['a', 'survey'] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(FlowValidationError);
      const lines = (error as Error).message.split('\n');
      expect(lines).to.have.length(4);
      expect(lines[0]).to.match(/a\.yaml: node "greeting": next "nowhere" does not exist/);
      expect(lines[1]).to.match(/b\.yaml: node "x": prompt: prompt needs text in both zh-CN and en/);
      expect(lines[2]).to.match(/d\.yaml: flow id "d" is already used by .*c\.yaml/);
      expect(lines[3]).to.match(/: flow "survey" is required but missing$/);
    });

    it('refuses an empty directory', async () => {
      const error = await loadFlows(dir).catch((e: unknown) => e);
      expect((error as Error).message).to.match(/no flow files/);
    });
  });
});
