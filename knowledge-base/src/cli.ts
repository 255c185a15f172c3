/**
 * Matcher CLI (the contract in ARCHITECTURE.md):
 *
 *   npm run --silent kb -- match --kb FILE.jsonl [--kb MORE.jsonl …] [--limit 5] [--model trees|linear]
 *
 * (default --model trees: the boosted trees with the decision layer's guards; linear is the earlier model)
 *
 * reads {"qid","text"} JSON lines on stdin, writes {"qid","match","confidence","candidates"} per line.
 * `match` is null when the bot would hand off to a human. Exit codes: 0 done, 1 unusable knowledge-base
 * content, 2 usage error (bad arguments, missing file).
 */
import { createInterface } from 'node:readline';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadKnowledgeFile, KnowledgeFileError } from './entry.ts';
import type { KnowledgeEntry } from './entry.ts';
import { createMatcher } from './matcher.ts';
import type { PairModel } from './matcher.ts';

const USAGE = [
  '用法 / usage: npm run --silent kb -- match --kb FILE.jsonl [--kb FILE2.jsonl|DIR] [--limit N] [--model linear|trees]',
  '  从标准输入读取每行 {"qid","text"}，每行输出 {"qid","match","confidence","candidates"}',
  '  reads {"qid","text"} JSON lines on stdin, writes one {"qid","match","confidence","candidates"} line each',
].join('\n');

function fail(code: number, message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

interface CliArgs {
  kbPaths: string[];
  limit: number;
  model: PairModel;
}

function parseArgs(argv: readonly string[]): CliArgs {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (command !== 'match') fail(2, `未知命令 ${command ?? '(无)'} / unknown command ${command ?? '(none)'}\n${USAGE}`);
  const kbPaths: string[] = [];
  let limit = 5;
  let model: PairModel = 'trees';
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const value = rest[i + 1];
    if (arg === '--kb' && value !== undefined && !value.startsWith('--')) {
      kbPaths.push(value);
      i++;
    } else if (arg === '--model' && (value === 'linear' || value === 'trees')) {
      model = value;
      i++;
    } else if (arg === '--limit' && value !== undefined && /^\d+$/.test(value) && Number(value) >= 1) {
      limit = Math.min(Number(value), 5);
      i++;
    } else {
      fail(2, `参数无效：${arg} / invalid argument: ${arg}\n${USAGE}`);
    }
  }
  if (kbPaths.length === 0) fail(2, `缺少 --kb 知识库文件 / missing --kb FILE.jsonl\n${USAGE}`);
  return { kbPaths, limit, model };
}

/** A path may be a file or a folder of .jsonl files (knowledge-base/content/ loads as-is). */
function expandPaths(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    if (!existsSync(path)) fail(2, `知识库文件不存在：${path} / knowledge-base file not found: ${path}`);
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) if (name.endsWith('.jsonl')) files.push(join(path, name));
    } else files.push(path);
  }
  return files;
}

function loadEntries(paths: readonly string[]): KnowledgeEntry[] {
  const entries: KnowledgeEntry[] = [];
  try {
    for (const file of expandPaths(paths)) entries.push(...loadKnowledgeFile(file));
  } catch (error) {
    if (error instanceof KnowledgeFileError) fail(1, error.message);
    throw error;
  }
  return entries;
}

async function runMatch(args: CliArgs): Promise<void> {
  const matcher = createMatcher(loadEntries(args.kbPaths), { model: args.model });
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let buffer: string[] = [];
  const flush = async (): Promise<void> => {
    if (buffer.length === 0) return;
    const chunk = buffer.join('');
    buffer = [];
    if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
  };
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    let query: unknown;
    try {
      query = JSON.parse(line);
    } catch {
      process.stderr.write(`第 ${lineNumber} 行不是 JSON，已跳过 / line ${lineNumber} is not JSON, skipped\n`);
      continue;
    }
    const { qid, text } = (query ?? {}) as { qid?: unknown; text?: unknown };
    if (typeof qid !== 'string' && typeof qid !== 'number') {
      process.stderr.write(`第 ${lineNumber} 行缺少 qid，已跳过 / line ${lineNumber} has no qid, skipped\n`);
      continue;
    }
    const result = matcher.match(typeof text === 'string' ? text : '', { limit: args.limit });
    buffer.push(
      `${JSON.stringify({ qid, match: result.match, confidence: result.confidence, candidates: result.candidates })}\n`,
    );
    if (buffer.length >= 256) await flush();
  }
  await flush();
}

await runMatch(parseArgs(process.argv.slice(2)));
