/**
 * Jobs of follow-up. Payloads are validated here (a job payload is an edge). Job keys are per survey, so a
 * rescheduled attempt replaces its pending job; the database's unique rows make a job that runs twice (a retry
 * after a crash) harmless.
 *
 *  - surveys.plan             ticket passed review → apply the policy (enqueued by the tickets module)
 *  - surveys.attempt          one call or SMS, at its time, inside calling hours
 *  - surveys.check-attempt    watchdog for an attempt whose final status never came
 *  - surveys.expire-link      the SMS link's end: unanswered → 联系不上
 *  - surveys.settle           the result reaches the ticket (closes it; 办结告知 is the tickets module's)
 *  - surveys.transcribe-comment  the spoken comment of an unsatisfied citizen, like voicemail
 */
import type { AppContext } from '../../context.ts';
import { defineJob, type JobDefinition } from '../../platform/jobs.ts';
import { isRetriableSpeechError, SpeechToTextError } from '../../ports/speech-to-text.ts';
import { AttemptCheckPayload, AttemptPayload, PlanPayload, SurveyPayload } from './surveys.schema.ts';
import { checkAttempt, planSurvey, runAttempt, settleSurvey } from './surveys.service.ts';
import { expireLink } from './surveys.sms.ts';

const TRANSCRIBE_ATTEMPTS = 5;
const NO_SPEECH = '未配置语音识别服务，无法转写 (no speech service configured: transcription unavailable)';

export function surveyJobs(ctx: AppContext): JobDefinition[] {
  return [
    defineJob({ name: 'surveys.plan', payload: PlanPayload, run: async (p) => void (await planSurvey(ctx, p)) }),
    defineJob({
      name: 'surveys.attempt',
      payload: AttemptPayload,
      run: async (p, { logger }) => {
        const result = await runAttempt(ctx, p);
        logger.debug({ ...p, result }, 'survey attempt');
      },
    }),
    defineJob({ name: 'surveys.check-attempt', payload: AttemptCheckPayload, run: (p) => checkAttempt(ctx, p) }),
    defineJob({ name: 'surveys.expire-link', payload: SurveyPayload, run: (p) => expireLink(ctx, p) }),
    defineJob({ name: 'surveys.settle', payload: SurveyPayload, run: async (p) => void (await settleSurvey(ctx, p)) }),
    defineJob({ name: 'surveys.transcribe-comment', payload: SurveyPayload, run: (p, { attempt }) => transcribeComment(ctx, p, attempt) }),
  ] as JobDefinition[];
}

/**
 * The unsatisfied citizen's spoken comment → text, as voicemail is transcribed: fetched from the carrier,
 * sent to the speech port; transient failures retry, the rest are recorded for the supervisor to see.
 */
export async function transcribeComment(ctx: AppContext, input: { surveyId: string }, attempt: number): Promise<void> {
  const survey = await ctx.db.selectFrom('surveys').select(['id', 'comment_recording_url', 'comment_transcript_status', 'comment']).where('id', '=', input.surveyId).executeTakeFirst();
  if (!survey || survey.comment_transcript_status === 'done') return;
  const set = (status: 'done' | 'unavailable' | 'failed', text: string | null, error: string | null) =>
    ctx.db
      .updateTable('surveys')
      .set({ comment_transcript_status: status, comment_transcript_error: error, updated_at: new Date(), ...(text ? { comment: survey.comment ? `${survey.comment}\n${text}` : text } : {}) })
      .where('id', '=', survey.id)
      .execute();
  if (!ctx.ports.speech) return void (await set('unavailable', null, NO_SPEECH));
  if (!survey.comment_recording_url || !ctx.ports.telephony) return void (await set('unavailable', null, 'recording not reachable from this process'));
  try {
    const audio = await ctx.ports.telephony.fetchRecording(survey.comment_recording_url);
    const transcript = await ctx.ports.speech.transcribe({ content: audio, mimeType: 'audio/wav' }, 'zh-CN');
    await set('done', transcript.text, null);
  } catch (error) {
    if (isRetriableSpeechError(error) && attempt < TRANSCRIBE_ATTEMPTS) throw error;
    await set('failed', null, error instanceof SpeechToTextError ? error.userMessage('zh-CN') : error instanceof Error ? error.message : String(error));
  }
}
