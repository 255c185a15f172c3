/**
 * Carrier simulator CLI: places a call through a running simulator and prints what the caller hears and
 * does, one line per step.
 *
 *   npm run --silent sim -- call --from 13800138000 [--press 2] [--say 文本] [--hold-for 60]
 *                               [--hangup-after 30] [--leave-message 文本] [--sim URL] [--lang en]
 *
 * The simulator is found through --sim, else $CARRIER_SIM_URL, else .data/carrier-sim.json (written by the
 * platform at start-up).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

type Lang = 'zh-CN' | 'en';

const text = {
  usage: {
    'zh-CN': '用法: npm run --silent sim -- call --from 号码 [--press 按键] [--say 文本] [--hold-for 秒] [--hangup-after 秒] [--leave-message 文本] [--sim URL] [--lang en]',
    en: 'usage: npm run --silent sim -- call --from NUMBER [--press KEYS] [--say TEXT] [--hold-for S] [--hangup-after S] [--leave-message TEXT] [--sim URL] [--lang en]',
  },
  noSim: {
    'zh-CN': '找不到运行中的运营商模拟器 (已尝试 --sim、CARRIER_SIM_URL 和 .data/carrier-sim.json)，请先运行 npm start',
    en: 'No running carrier simulator found (tried --sim, CARRIER_SIM_URL and .data/carrier-sim.json); start the platform with npm start',
  },
  broken: { 'zh-CN': '与模拟器的连接中断', en: 'Lost the connection to the simulator' },
} as const;

/** The candidate simulator URLs, in the order the CLI tries them. */
async function candidateUrls(flag: string | undefined): Promise<string[]> {
  const out: string[] = [];
  if (flag) out.push(flag);
  if (process.env.CARRIER_SIM_URL) out.push(process.env.CARRIER_SIM_URL);
  try {
    const file = JSON.parse(await readFile(join(process.cwd(), '.data', 'carrier-sim.json'), 'utf8')) as { url?: unknown };
    if (typeof file.url === 'string') out.push(file.url);
  } catch {
    // No discovery file: the platform is not running here.
  }
  return out;
}

/** The first candidate that answers the simulator's health check, or undefined. */
async function findSimulator(flag: string | undefined): Promise<string | undefined> {
  for (const url of await candidateUrls(flag)) {
    try {
      const res = await fetch(new URL('/sim/health', url), { signal: AbortSignal.timeout(2000) });
      if (res.ok) return url.replace(/\/+$/, '');
    } catch {
      // Not reachable; try the next one.
    }
  }
  return undefined;
}

function seconds(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a number of seconds: ${v}`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  // `agents N`: simulated agents signed in and answering (tools/carrier-sim/agents.ts has its own options).
  if (argv[0] === 'agents') return (await import('./agents.ts')).runAgentsCli(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      press: { type: 'string' },
      say: { type: 'string' },
      'hold-for': { type: 'string' },
      'hangup-after': { type: 'string' },
      'leave-message': { type: 'string' },
      talk: { type: 'string' },
      sim: { type: 'string' },
      lang: { type: 'string' },
    },
  });
  const lang: Lang = values.lang === 'en' ? 'en' : 'zh-CN';
  if (positionals[0] !== 'call' || !values.from) {
    console.error(text.usage[lang]);
    return 2;
  }
  const script = {
    from: values.from,
    to: values.to,
    press: values.press,
    say: values.say,
    holdFor: seconds(values['hold-for']),
    hangupAfter: seconds(values['hangup-after']),
    leaveMessage: values['leave-message'],
    talk: values.talk,
  };
  const simUrl = await findSimulator(values.sim);
  if (!simUrl) {
    console.error(text.noSim[lang]);
    return 1;
  }
  const controller = new AbortController();
  // Ctrl-C puts the phone down: closing the stream makes the simulator hang the call up.
  process.once('SIGINT', () => controller.abort());
  const res = await fetch(`${simUrl}/sim/calls?lang=${lang === 'en' ? 'en' : 'zh-CN'}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(script),
    signal: controller.signal,
  });
  if (!res.ok || !res.body) {
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    console.error(body.message ?? `HTTP ${res.status}`);
    return 1;
  }
  let buffer = '';
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line) continue;
        const event = JSON.parse(line) as { event: string; text?: string };
        if (event.event === 'step' && event.text) console.log(event.text);
        if (event.event === 'end') return 0;
      }
    }
  } catch (err) {
    if (controller.signal.aborted) return 130;
    throw err;
  }
  console.error(text.broken[lang]);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
