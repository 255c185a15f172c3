/** zod shapes of the chat API and the SMS webhook. */
import * as z from 'zod';

export const StartSessionBody = z.object({ language: z.enum(['zh-CN', 'en']).optional() });
export const SessionParams = z.object({ id: z.uuid() });
export const MessageParams = z.object({ id: z.uuid(), messageId: z.string().regex(/^\d{1,18}$/) });
/** No length limit here on purpose: a long message is cut by the bot, with a notice, not refused. */
export const PostMessageBody = z.object({ text: z.string() });
export const FeedbackBody = z.object({ helpful: z.boolean() });

export const ChatMessageSchema = z
  .object({
    id: z.string(),
    role: z.enum(['user', 'bot', 'agent']).meta({ description: 'agent: 人工客服的消息 (a live agent’s message)' }),
    text: z.string().meta({ description: '纯文本，显示时请勿作为 HTML 解析 (plain text; never render as HTML)' }),
    kind: z.string().nullable(),
    choices: z.array(z.object({ n: z.number(), question: z.string() })).nullable(),
    canRate: z.boolean(),
    helpful: z.boolean().nullable(),
    at: z.string(),
  })
  .meta({ id: 'ChatMessage' });

export const SessionCreatedSchema = z.object({ sessionId: z.uuid(), token: z.string(), messages: z.array(ChatMessageSchema) });
/** A conversation's hand-off to a live agent: null when there has been none. */
export const LiveSchema = z
  .object({ state: z.enum(['waiting', 'connected', 'ended']), agentName: z.string().nullable(), requestedAt: z.string() })
  .nullable()
  .meta({ id: 'ChatLive' });

export const TurnSchema = z.object({
  messages: z.array(ChatMessageSchema),
  outcome: z.string().nullable(),
  language: z.string(),
  live: LiveSchema.optional(),
  /** After 转人工: whether an agent is free now, so the page can offer to wait for one. */
  liveAgent: z.object({ available: z.boolean() }).nullable().optional(),
});

export const SessionQuery = z.object({ after: z.string().regex(/^\d{1,18}$/, '消息编号应为数字 (after must be a message id)').optional() });
export const LiveTurnSchema = z.object({ live: LiveSchema, messages: z.array(ChatMessageSchema) });
/** An agent's reply in a live chat. */
export const LiveMessageBody = z.object({ text: z.string().trim().min(1, '消息不能为空 (the message is empty)').max(2000, '消息不能超过 2000 字 (at most 2000 characters)') });

export const ConversationsQuery = z.object({
  channel: z.enum(['web', 'sms', 'phone']).optional(),
  outcome: z.enum(['answered', 'unanswered', 'handoff', 'request_left']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.iso.datetime().optional(),
});

/** Twilio's inbound message parameters we use (checked after the signature). */
export const InboundSmsParams = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/),
  From: z.string().min(3).max(40),
  Body: z.string().max(5000).default(''),
});
