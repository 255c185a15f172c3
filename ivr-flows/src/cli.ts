/**
 * Flow authors' tool, with no server needed:
 *
 *   node ivr-flows/src/cli.ts check [dir]                 validate every flow; exit 1 on errors
 *   node ivr-flows/src/cli.ts play <flow> [options] [input…]
 *       options: --dir DIR, --now ISO, --blocked, --repeat, --holiday, --lang en
 *       inputs:  3 (keys) · timeout · say:不满意[@0.8] · rec:RE1:20 · bot:wants-agent · start
 *
 * `play` prints one line per step, what the caller would hear and what the adapter would do.
 */
import { fileURLToPath } from 'node:url';
import { formatFlowIssue, FlowValidationError, loadFlows } from './load.ts';
import { startCall, step } from './interpret.ts';
import { callInputSchema, type CallInput, type Step } from './schema.ts';

const DEFAULT_DIR = fileURLToPath(new URL('../flows', import.meta.url));

/** The input a command-line token stands for; throws on one it does not understand. */
export function parseInputToken(token: string): CallInput {
  const [kind = '', ...rest] = token.split(':');
  const value = rest.join(':');
  let input: unknown;
  if (/^[0-9*#]+$/.test(token)) input = { kind: 'digits', digits: token };
  else if (token === 'timeout' || token === 'start') input = { kind: token };
  else if (kind === 'say') {
    const at = value.lastIndexOf('@');
    const confidence = at >= 0 ? Number(value.slice(at + 1)) : 0.9;
    input = { kind: 'speech', text: at >= 0 ? value.slice(0, at) : value, confidence };
  } else if (kind === 'rec') {
    const [recordingId = '', seconds = '10'] = value.split(':');
    input = { kind: 'recorded', recordingId, durationSeconds: Number(seconds) };
  } else if (kind === 'bot') input = { kind: 'bot', result: value };
  const parsed = callInputSchema.safeParse(input);
  if (!parsed.success) throw new Error(`cannot understand input "${token}"`);
  return parsed.data;
}

/** One readable line for a step. */
export function describeStep(s: Step): string {
  switch (s.kind) {
    case 'say':
      return `say [${s.language}] ${s.text}`;
    case 'pause':
      return `pause ${s.seconds}s`;
    case 'gather':
      return `gather ${s.input.join('+')} ${s.numDigits} digit(s), ${s.timeoutSeconds}s [${s.language}]: ${s.prompt.map((p) => (p.kind === 'say' ? p.text : `(${p.seconds}s)`)).join(' ')}`;
    case 'enqueue':
      return `enqueue desk=${s.desk} priority=${s.priority}`;
    case 'voicebot':
      return `voicebot [${s.language}]`;
    case 'record':
      return `record ${s.purpose} up to ${s.maxSeconds}s`;
    case 'dial':
      return `dial ${s.number} (recorded, ${s.purpose})`;
    case 'outcome':
      return `outcome ${s.name}=${s.value}`;
    case 'hangup':
      return 'hangup';
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  const option = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const dir = command === 'check' ? (args[0] ?? DEFAULT_DIR) : (option('--dir') ?? DEFAULT_DIR);
  let loaded;
  try {
    loaded = await loadFlows(dir);
  } catch (error) {
    if (!(error instanceof FlowValidationError)) throw error;
    for (const issue of error.issues) console.error(formatFlowIssue(issue));
    return 1;
  }
  for (const warning of loaded.warnings) console.error(formatFlowIssue(warning));
  if (command === 'check') {
    console.log(`${loaded.flows.size} flow(s) valid: ${[...loaded.flows.keys()].join(', ')}`);
    return 0;
  }
  if (command !== 'play' || args[0] === undefined) {
    console.error('usage: cli.ts check [dir] | play <flow> [--dir DIR] [--now ISO] [--blocked] [--repeat] [--holiday] [--lang en] [input…]');
    return 2;
  }
  const flow = loaded.flows.get(args[0]);
  if (flow === undefined) {
    console.error(`no flow "${args[0]}"; have ${[...loaded.flows.keys()].join(', ')}`);
    return 2;
  }
  const valued = new Set(['--dir', '--now', '--lang']);
  const inputs = args.slice(1).filter((a, i, all) => !a.startsWith('--') && !valued.has(all[i - 1] ?? ''));
  const lang = option('--lang');
  let result = startCall(flow, {
    now: option('--now') ?? new Date().toISOString(),
    callerBlocked: args.includes('--blocked'),
    repeatCaller: args.includes('--repeat'),
    holiday: args.includes('--holiday'),
    ...(lang === 'en' || lang === 'zh-CN' ? { language: lang } : {}),
  });
  result.steps.forEach((s) => console.log(`  ${describeStep(s)}`));
  for (const token of inputs) {
    if (result.state.status === 'ended') break;
    console.log(`> ${token}`);
    result = step(flow, result.state, parseInputToken(token));
    result.steps.forEach((s) => console.log(`  ${describeStep(s)}`));
  }
  console.log(`state: ${result.state.status} at ${result.state.node}${result.state.failure ? ` (failure: ${result.state.failure.reason})` : ''}`);
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
