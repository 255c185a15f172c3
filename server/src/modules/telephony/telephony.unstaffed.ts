/**
 * A caller in the queue when no agent is signed in at all (night shift gap, everyone signed off). Before
 * this, such a caller went straight to voicemail. Now, when the call's flow has a voice bot, the caller is
 * first offered the bot: many 12345 questions (公积金, 社保, 办事指南 …) are answered by the knowledge base
 * at once. Asking for a person (0, "转人工"), silence or a question the bot cannot answer sends the caller back
 * to the flow's queue, where — still nobody signed in — voicemail follows as before. The bot is offered once
 * per call, and not to a caller who already used it (key 9) before queueing.
 *
 * Called from the queue's wait loop (`handleWait`); the caller leaves the queue by the bot's Gather (its
 * answer, or its no-input redirect), exactly as the wait loop's callback key does.
 */
import type { AppContext } from '../../context.ts';
import type { VoiceLanguage, VoiceStep } from '../../ports/telephony.ts';
import { callStateSchema, type Flow } from '../../../../ivr-flows/src/index.ts';
import { renderPrompt } from '../../../../ivr-flows/src/prompts.ts';
import { addCallEvent, lockCall, updateCall, type CallRow } from '../calls/calls.repository.ts';
import { publishQueueChanged } from '../calls/calls.events.ts';
import { flowOf } from './telephony.flows.ts';
import { voicebotListen } from './telephony.voicebot.ts';

const NOBODY_IN: Record<VoiceLanguage, string> = {
  'zh-CN': '目前暂无人工坐席在线。您可以先向智能语音助手提问，常见问题可以马上为您解答；如需留言，请按0。',
  en: 'No agent is available at the moment. You can ask our automated assistant now; it answers common questions right away. To leave a message instead, press 0.',
};

/** The flow's voice bot node, if it has one. */
function voicebotNodeOf(flow: Flow): string | undefined {
  return Object.entries(flow.nodes).find(([, node]) => node.kind === 'voicebot')?.[0];
}

/**
 * Moves a queued caller to the flow's voice bot because nobody is signed in, and returns what they hear; or
 * undefined when the bot is not for this call (no bot in its flow, already offered or used, not an inbound
 * call still queued), and the caller goes on to voicemail.
 */
export async function offerVoicebotWhileUnstaffed(ctx: AppContext, call: CallRow): Promise<string | undefined> {
  if (call.direction !== 'inbound' || call.callback_requested || !call.ivr_flow) return undefined;
  let flow: Flow;
  try {
    flow = flowOf(ctx, call.ivr_flow);
  } catch {
    return undefined;
  }
  const botNode = voicebotNodeOf(flow);
  if (!botNode) return undefined;
  const moved = await ctx.db.transaction().execute(async (trx) => {
    const locked = await lockCall(trx, call.id);
    if (!locked || locked.status !== 'queued' || locked.call_sid !== call.call_sid) return undefined;
    const parsed = callStateSchema.safeParse(locked.ivr_state);
    if (!parsed.success || parsed.data.flowId !== flow.id) return undefined;
    const usedBot = await trx
      .selectFrom('call_events')
      .select('id')
      .where('call_id', '=', call.id)
      .where('kind', 'in', ['voicebot_offered', 'voicebot_turn'])
      .limit(1)
      .executeTakeFirst();
    if (usedBot) return undefined;
    const state = { ...parsed.data, status: 'active' as const, node: botNode, retries: 0, final: undefined, path: [...parsed.data.path, botNode].slice(-50) };
    const seq = locked.ivr_seq + 1;
    // Back in the IVR at the bot; queued_at is kept, so a caller the bot sends back keeps their place.
    const row = await updateCall(trx, call.id, { status: 'ivr', caller_location: 'ivr', ivr_state: JSON.stringify(state), ivr_seq: seq });
    await addCallEvent(trx, call.id, 'voicebot_offered', { reason: 'no_agents', node: botNode });
    return { row, seq, language: (state.language === 'en' ? 'en' : 'zh-CN') as VoiceLanguage };
  });
  if (!moved) return undefined;
  publishQueueChanged(ctx);
  const node = flow.nodes[botNode];
  const prompt = node?.kind === 'voicebot' && node.prompt ? renderPrompt(node.prompt, moved.language) : [];
  const steps: VoiceStep[] = [
    { kind: 'say', text: NOBODY_IN[moved.language], language: moved.language },
    ...prompt.map((p) => ({ kind: 'say' as const, text: p.text, language: p.language === 'en' ? ('en' as const) : ('zh-CN' as const) })),
    ...voicebotListen(ctx, call.id, moved.seq, moved.language),
  ];
  return ctx.ports.telephony!.renderVoice(steps);
}
