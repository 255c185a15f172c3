/**
 * Reading and checking flow files at start-up. Every problem names the file, the node and what is wrong,
 * with the line when it can be found, so a flow author can fix it without reading the interpreter:
 *
 *     ivr-flows/flows/hotline.yaml: node "desk-menu": options[0].next "queue-x" does not exist (line 31)
 *
 * Errors stop the load; warnings (an unreachable node, a desk that is never open) are returned for the log.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { isKnownTimeZone, parseTimeRange } from './hours.ts';
import { normalizeSpeech } from './match.ts';
import { DEFAULT_DESKS, NODE_KINDS, flowFileSchema, type Flow, type FlowNode } from './schema.ts';

/** One problem found in a flow file. */
export interface FlowIssue {
  severity: 'error' | 'warning';
  file: string;
  node?: string;
  message: string;
  line?: number;
}

/** Thrown when flows do not validate; `issues` lists every error (and the warnings found alongside). */
export class FlowValidationError extends Error {
  readonly issues: readonly FlowIssue[];

  constructor(issues: readonly FlowIssue[]) {
    super(issues.filter((i) => i.severity === 'error').map(formatFlowIssue).join('\n'));
    this.name = 'FlowValidationError';
    this.issues = issues;
  }
}

export interface ParseFlowOptions {
  /** Desks a queue node may name; the four standard desks unless the directory knows more. */
  desks?: readonly string[];
}

export interface ParsedFlow {
  flow: Flow;
  warnings: FlowIssue[];
}

export interface LoadFlowsOptions extends ParseFlowOptions {
  /** Flow ids the caller cannot run without (e.g. `hotline`, `survey`); a missing one is an error. */
  required?: readonly string[];
}

export interface LoadedFlows {
  flows: ReadonlyMap<string, Flow>;
  warnings: FlowIssue[];
}

/** `file: node "id": message (line n)` — the form every flow problem is reported in. */
export function formatFlowIssue(issue: FlowIssue): string {
  const node = issue.node === undefined ? '' : `node "${issue.node}": `;
  const line = issue.line === undefined ? '' : ` (line ${issue.line})`;
  const prefix = issue.severity === 'warning' ? 'warning: ' : '';
  return `${issue.file}: ${prefix}${node}${issue.message}${line}`;
}

/**
 * Parses and checks one flow. The flow id is the file's `id`, or its name without the extension.
 * Throws FlowValidationError listing every error found.
 */
export function parseFlow(text: string, fileName: string, options: ParseFlowOptions = {}): ParsedFlow {
  const { flow, issues } = checkFlowText(text, fileName, options);
  if (flow === undefined || issues.some((i) => i.severity === 'error')) throw new FlowValidationError(issues);
  return { flow, warnings: issues };
}

/**
 * Reads every `.yaml`/`.yml` file in `dir` and checks them all before failing, so one start-up shows every
 * problem. Throws FlowValidationError when any file has an error.
 */
export async function loadFlows(dir: string, options: LoadFlowsOptions = {}): Promise<LoadedFlows> {
  const dirName = displayPath(dir);
  const names = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name)).sort();
  const flows = new Map<string, Flow>();
  const issues: FlowIssue[] = [];
  for (const name of names) {
    const fileName = displayPath(path.join(dir, name));
    const checked = checkFlowText(await readFile(path.join(dir, name), 'utf8'), fileName, options);
    issues.push(...checked.issues);
    if (checked.flow === undefined) continue;
    const other = flows.get(checked.flow.id);
    if (other !== undefined) {
      issues.push({ severity: 'error', file: fileName, message: `flow id "${checked.flow.id}" is already used by ${other.fileName}` });
    } else if (!checked.issues.some((i) => i.severity === 'error')) {
      flows.set(checked.flow.id, checked.flow);
    }
  }
  if (names.length === 0) issues.push({ severity: 'error', file: dirName, message: 'no flow files (.yaml) found' });
  for (const id of options.required ?? []) {
    if (!flows.has(id) && !issues.some((i) => i.severity === 'error' && path.basename(i.file).startsWith(`${id}.`))) {
      issues.push({ severity: 'error', file: dirName, message: `flow "${id}" is required but missing` });
    }
  }
  if (issues.some((i) => i.severity === 'error')) throw new FlowValidationError(issues);
  return { flows, warnings: issues };
}

/** Checks one flow without throwing: the flow when it parsed, and every issue found. */
export function checkFlowText(text: string, fileName: string, options: ParseFlowOptions = {}): { flow?: Flow; issues: FlowIssue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => ({ severity: 'error', file: fileName, message: `YAML: ${e.message.split('\n')[0] ?? ''}`, line: lineAt(e.pos[0]) })),
    };
  }
  const raw: unknown = doc.toJS();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { issues: [{ severity: 'error', file: fileName, message: 'a flow file is a mapping with "start" and "nodes"' }] };
  }
  const lineOf = (at: readonly PropertyKey[]): number | undefined => lineOfPath(doc, at, lineAt);
  const parsed = flowFileSchema.safeParse(raw);
  if (!parsed.success) {
    return { issues: parsed.error.issues.map((issue) => fromZodIssue(issue, fileName, raw, lineOf)) };
  }
  const file = parsed.data;
  const flow: Flow = {
    id: file.id ?? path.basename(fileName).replace(/\.ya?ml$/, ''),
    fileName,
    ...(file.description === undefined ? {} : { description: file.description }),
    language: file.language,
    start: file.start,
    fallback: file.fallback,
    nodes: file.nodes,
  };
  return { flow, issues: checkFlowGraph(flow, options.desks ?? DEFAULT_DESKS, lineOf) };
}

type LineOf = (at: readonly PropertyKey[]) => number | undefined;

/** Where a node points, with the field that points there (`options[1].next`). */
interface Edge {
  field: PropertyKey[];
  target: string;
}

/** Every node a node can lead to. */
export function edgesOf(node: FlowNode): Edge[] {
  const edges: Edge[] = [];
  const add = (field: PropertyKey[], target: string | undefined): void => {
    if (target !== undefined) edges.push({ field, target });
  };
  switch (node.kind) {
    case 'say':
    case 'voicemail':
    case 'record':
      add(['next'], node.next);
      break;
    case 'menu':
      node.options.forEach((o, i) => add(['options', i, 'next'], o.next));
      add(['noInput'], node.noInput);
      add(['speechNoMatch'], node.speechNoMatch);
      add(['default'], node.default);
      break;
    case 'rating':
      node.choices.forEach((c, i) => add(['choices', i, 'next'], c.next));
      add(['next'], node.next);
      add(['noAnswer', 'next'], node.noAnswer.next);
      break;
    case 'voicebot':
      add(['unavailable'], node.unavailable);
      add(['wantsAgent'], node.wantsAgent);
      add(['resolved'], node.resolved);
      break;
    case 'hours':
      add(['open'], node.open);
      add(['closed'], node.closed);
      break;
    case 'branch':
      node.cases.forEach((c, i) => add(['cases', i, 'next'], c.next));
      add(['default'], node.default);
      break;
    case 'queue':
    case 'transfer':
    case 'hangup':
      break;
  }
  return edges;
}

/** Nodes that move on by themselves; a loop made only of these would spin without the caller. */
const AUTOMATIC_KINDS: ReadonlySet<FlowNode['kind']> = new Set(['say', 'branch', 'hours']);

/** The checks zod cannot make: references, desks, keys, hours, reachability, loops and dead ends. */
function checkFlowGraph(flow: Flow, desks: readonly string[], lineOf: LineOf): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const problem = (severity: FlowIssue['severity'], node: string | undefined, message: string, at: readonly PropertyKey[]): void => {
    const line = lineOf(at);
    issues.push({ severity, file: flow.fileName, ...(node === undefined ? {} : { node }), message, ...(line === undefined ? {} : { line }) });
  };
  const exists = (id: string): boolean => Object.hasOwn(flow.nodes, id);
  const entries = Object.entries(flow.nodes);

  if (!exists(flow.start)) problem('error', undefined, `start "${flow.start}" does not exist`, ['start']);
  if (!desks.includes(flow.fallback.desk)) {
    problem('error', undefined, `fallback desk "${flow.fallback.desk}" is not a known desk (${desks.join(', ')})`, ['fallback', 'desk']);
  }

  let brokenReference = false;
  for (const [id, node] of entries) {
    const at = (...field: PropertyKey[]): PropertyKey[] => ['nodes', id, ...field];
    for (const edge of edgesOf(node)) {
      if (!exists(edge.target)) {
        brokenReference = true;
        problem('error', id, `${formatField(edge.field)} "${edge.target}" does not exist`, at(...edge.field));
      }
    }
    switch (node.kind) {
      case 'queue':
        if (!desks.includes(node.desk)) problem('error', id, `desk "${node.desk}" is not a known desk (${desks.join(', ')})`, at('desk'));
        break;
      case 'menu':
        checkChoices(node.options, 'options', node.input.includes('speech'), (message, field) => problem('error', id, message, at(...field)));
        break;
      case 'rating':
        checkChoices(node.choices, 'choices', node.input.includes('speech'), (message, field) => problem('error', id, message, at(...field)));
        node.choices.forEach((choice, i) => {
          if (choice.next === undefined && node.next === undefined) {
            problem('error', id, `choices[${i}] has no next and the node has no next`, at('choices', i));
          }
        });
        break;
      case 'hours': {
        if (!isKnownTimeZone(node.timezone)) problem('error', id, `timezone "${node.timezone}" is not a known time zone`, at('timezone'));
        const ranges: Array<[PropertyKey[], string]> = [
          ...Object.entries(node.weekly).flatMap(([day, list]) => (list ?? []).map((r, i): [PropertyKey[], string] => [['weekly', day, i], r])),
          ...node.holidays.map((r, i): [PropertyKey[], string] => [['holidays', i], r]),
        ];
        for (const [field, range] of ranges) {
          const { from, to } = parseTimeRange(range);
          if (from >= to) problem('error', id, `${formatField(field)} "${range}" must end after it starts (split ranges that cross midnight)`, at(...field));
        }
        if (Object.values(node.weekly).every((list) => (list ?? []).length === 0)) {
          problem('warning', id, 'no open hours on any weekday: the closed branch is always taken', at('weekly'));
        }
        break;
      }
      default:
        break;
    }
  }

  if (!exists(flow.start) || brokenReference) return issues;

  const reachable = walk([flow.start], (id) => edgesOf(flow.nodes[id] as FlowNode).map((e) => e.target));
  for (const [id] of entries) {
    if (!reachable.has(id)) problem('warning', id, `unreachable from start "${flow.start}"`, ['nodes', id]);
  }

  for (const cycle of findAutomaticCycles(flow)) {
    const first = cycle[0] ?? '';
    problem('error', first, `loop without input: ${[...cycle, first].join(' → ')}`, ['nodes', first]);
  }

  // A node ends the call if it hands the call on, or may end it by itself (a menu without a default falls
  // back to the general desk; a voicebot without `resolved` hangs up), or leads to one that does.
  const predecessors = new Map<string, string[]>();
  for (const [id, node] of entries) {
    for (const edge of edgesOf(node)) predecessors.set(edge.target, [...(predecessors.get(edge.target) ?? []), id]);
  }
  const ending = entries
    .filter(([, n]) => n.kind === 'queue' || n.kind === 'transfer' || n.kind === 'hangup' || (n.kind === 'menu' && n.default === undefined) || (n.kind === 'voicebot' && n.resolved === undefined))
    .map(([id]) => id);
  const canEnd = walk(ending, (id) => predecessors.get(id) ?? []);
  for (const id of reachable) {
    if (!canEnd.has(id)) problem('error', id, 'no path from here ends the call (a queue, transfer or hangup)', ['nodes', id]);
  }
  return issues;
}

/** Duplicate keys, keys of different lengths (the gather waits for a fixed number of digits), shared keywords. */
function checkChoices(
  choices: ReadonlyArray<{ key?: string | undefined; keywords?: readonly string[] | undefined }>,
  field: string,
  speech: boolean,
  report: (message: string, field: PropertyKey[]) => void,
): void {
  const keys = new Map<string, number>();
  const keywords = new Map<string, number>();
  const lengths = new Set<number>();
  choices.forEach((choice, i) => {
    if (choice.key !== undefined) {
      const earlier = keys.get(choice.key);
      if (earlier !== undefined) report(`key "${choice.key}" is used by ${field}[${earlier}] and ${field}[${i}]`, [field, i, 'key']);
      keys.set(choice.key, i);
      lengths.add(choice.key.length);
    }
    if (choice.keywords !== undefined && !speech) report('keywords need speech in input', [field, i, 'keywords']);
    for (const keyword of choice.keywords ?? []) {
      const word = normalizeSpeech(keyword);
      const earlier = keywords.get(word);
      if (earlier !== undefined && earlier !== i) report(`keyword "${keyword}" is used by ${field}[${earlier}] and ${field}[${i}]`, [field, i, 'keywords']);
      keywords.set(word, i);
    }
  });
  if (lengths.size > 1) report('all keys must have the same number of digits', [field]);
}

/** Cycles among nodes that need no input (say, branch, hours), each listed once. */
function findAutomaticCycles(flow: Flow): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const next = (id: string): string[] => {
    const node = flow.nodes[id];
    if (node === undefined || !AUTOMATIC_KINDS.has(node.kind)) return [];
    return edgesOf(node)
      .map((e) => e.target)
      .filter((t) => AUTOMATIC_KINDS.has(flow.nodes[t]?.kind ?? 'hangup'));
  };
  const visit = (id: string): void => {
    state.set(id, 'open');
    stack.push(id);
    for (const target of next(id)) {
      if (state.get(target) === 'open') {
        const cycle = stack.slice(stack.indexOf(target));
        const signature = [...cycle].sort().join('\u0000');
        if (!seen.has(signature)) {
          seen.add(signature);
          cycles.push(cycle);
        }
      } else if (!state.has(target)) {
        visit(target);
      }
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of Object.keys(flow.nodes)) if (!state.has(id)) visit(id);
  return cycles;
}

function walk(from: readonly string[], next: (id: string) => readonly string[]): Set<string> {
  const seen = new Set<string>(from);
  const queue = [...from];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const target of next(id)) {
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return seen;
}

/** `options[0].next` from ['options', 0, 'next']. */
function formatField(field: readonly PropertyKey[]): string {
  return field.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text === '' ? String(part) : `${text}.${String(part)}`), '');
}

function fromZodIssue(issue: z.core.$ZodIssue, file: string, raw: unknown, lineOf: LineOf): FlowIssue {
  // A single prompt is wrapped in a list before validation; drop the index the author never wrote.
  const at = issue.path.filter((part, i) => typeof part !== 'number' || Array.isArray(valueAt(raw, issue.path.slice(0, i))));
  const inNode = at[0] === 'nodes' && at.length >= 2;
  const node = inNode ? String(at[1]) : undefined;
  const field = formatField(inNode ? at.slice(2) : at);
  let message = issue.message;
  let lineAt: readonly PropertyKey[] = at;
  if (issue.code === 'invalid_union' && 'discriminator' in issue && at.at(-1) === 'kind') {
    const kind = valueAt(raw, at);
    message = kind === undefined
      ? `kind is missing; use one of ${NODE_KINDS.join(', ')}`
      : `unknown kind "${String(kind)}"; use one of ${NODE_KINDS.join(', ')}`;
  } else if (issue.code === 'unrecognized_keys') {
    message = `${field === '' ? '' : `${field}: `}unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    lineAt = [...at, issue.keys[0] ?? ''];
  } else if (issue.code === 'invalid_key') {
    message = `"${String(at.at(-1))}" is not a valid node id: ${issue.issues[0]?.message ?? issue.message}`;
  } else if (issue.code === 'invalid_type' && valueAt(raw, at) === undefined) {
    message = `${field} is missing`;
  } else {
    message = field === '' ? issue.message : `${field}: ${issue.message}`;
  }
  const line = lineOf(lineAt);
  return { severity: 'error', file, ...(node === undefined ? {} : { node }), message, ...(line === undefined ? {} : { line }) };
}

function valueAt(raw: unknown, at: readonly PropertyKey[]): unknown {
  let value: unknown = raw;
  for (const part of at) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/** The line of the deepest YAML node on `at` that exists (a missing field reports its parent's line). */
function lineOfPath(doc: Document, at: readonly PropertyKey[], lineAt: (offset: number | undefined) => number | undefined): number | undefined {
  for (let length = at.length; length >= 0; length--) {
    const found: unknown = doc.getIn(at.slice(0, length), true);
    if (typeof found === 'object' && found !== null && 'range' in found) {
      const range = (found as { range?: [number, number, number] }).range;
      if (range !== undefined) return lineAt(range[0]);
    }
  }
  return undefined;
}

/** A path relative to the working directory when it lies inside it, as people type it. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
