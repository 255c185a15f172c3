/**
 * What happens on one call leg, as seen from the person on it. Each step is data; `renderStep` gives the
 * one-line human text (zh-CN by default, English on request) that the CLI and the caller-phone page show.
 */
export type Step =
  | { kind: 'dialled'; from: string; to: string }
  | { kind: 'ringing'; to: string }
  | { kind: 'answered'; by: 'human' | 'machine' }
  | { kind: 'heard'; text: string; language?: string }
  | { kind: 'played'; url: string }
  | { kind: 'paused'; seconds: number }
  | { kind: 'pressed'; digits: string }
  | { kind: 'said'; text: string }
  | { kind: 'no-input' }
  | { kind: 'queued'; queue: string }
  | { kind: 'waiting'; conference: string }
  | { kind: 'connected'; with: string }
  | { kind: 'joined'; who: string }
  | { kind: 'left'; who: string }
  | { kind: 'held' }
  | { kind: 'unheld' }
  | { kind: 'muted'; muted: boolean }
  | { kind: 'recording'; maxSeconds: number }
  | { kind: 'recorded'; seconds: number; recordingSid: string }
  | { kind: 'dialling'; target: string }
  | { kind: 'dial-result'; target: string; status: string }
  | { kind: 'redirected'; url: string }
  | { kind: 'gave-up'; waitedSeconds: number }
  | { kind: 'error'; message: string }
  | { kind: 'ended'; status: string; by: string; talkSeconds: number; durationSeconds: number };

/** A step with the simulated time it happened at (epoch ms). */
export type TimedStep = Step & { at: number };

/** Languages the renderer speaks. */
export type Lang = 'zh-CN' | 'en';

const byZh: Record<string, string> = { caller: '主叫', callee: '被叫', platform: '平台', carrier: '运营商', agent: '坐席' };

/** One line of human text for a step. */
export function renderStep(step: Step, lang: Lang = 'zh-CN'): string {
  const en = lang === 'en';
  switch (step.kind) {
    case 'dialled':
      return en ? `Dialled ${step.to} from ${step.from}` : `拨打: ${step.to} (主叫 ${step.from})`;
    case 'ringing':
      return en ? `Ringing: ${step.to}` : `振铃: ${step.to}`;
    case 'answered':
      return en ? `Answered (${step.by})` : `已接听 (${step.by === 'machine' ? '答录机' : '真人'})`;
    case 'heard':
      return en ? `Heard: ${step.text}` : `听到: ${step.text}`;
    case 'played':
      return en ? `Heard audio: ${step.url}` : `听到音频: ${step.url}`;
    case 'paused':
      return en ? `Silence: ${step.seconds} s` : `静音: ${step.seconds} 秒`;
    case 'pressed':
      return en ? `Pressed: ${step.digits}` : `按键: ${step.digits}`;
    case 'said':
      return en ? `Said: ${step.text}` : `说: ${step.text}`;
    case 'no-input':
      return en ? 'No input' : '未输入';
    case 'queued':
      return en ? `Queued: ${step.queue}` : `排队: ${step.queue}`;
    case 'waiting':
      return en ? `Waiting in conference ${step.conference}` : `等待接通: ${step.conference}`;
    case 'connected':
      return en ? `Connected: ${step.with}` : `接通: ${step.with}`;
    case 'joined':
      return en ? `Joined: ${step.who}` : `加入通话: ${step.who}`;
    case 'left':
      return en ? `Left: ${step.who}` : `离开通话: ${step.who}`;
    case 'held':
      return en ? 'On hold' : '被保持';
    case 'unheld':
      return en ? 'Off hold' : '恢复通话';
    case 'muted':
      return en ? (step.muted ? 'Muted' : 'Unmuted') : step.muted ? '被静音' : '取消静音';
    case 'recording':
      return en ? `Recording (max ${step.maxSeconds} s)` : `录音中 (最长 ${step.maxSeconds} 秒)`;
    case 'recorded':
      return en ? `Recorded ${step.seconds} s` : `已录音 ${step.seconds} 秒`;
    case 'dialling':
      return en ? `Transferring to ${step.target}` : `转接: ${step.target}`;
    case 'dial-result':
      return en ? `Transfer to ${step.target}: ${step.status}` : `转接 ${step.target}: ${step.status}`;
    case 'redirected':
      return en ? `Redirected: ${step.url}` : `跳转: ${step.url}`;
    case 'gave-up':
      return en ? `Gave up after waiting ${step.waitedSeconds} s` : `等待 ${step.waitedSeconds} 秒无人接听, 放弃`;
    case 'error':
      return en ? `Error: ${step.message}` : `错误: ${step.message}`;
    case 'ended':
      return en
        ? `Hung up by ${step.by} (${step.status}, talk ${step.talkSeconds} s)`
        : `挂断 (${byZh[step.by] ?? step.by}, ${step.status}, 通话 ${step.talkSeconds} 秒)`;
  }
}
