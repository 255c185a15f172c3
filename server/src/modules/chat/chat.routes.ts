/**
 * Chat routes: the public web-chat API (a conversation is opened without signing in and then carried by
 * its token in `X-Chat-Token`), the citizen chat page and the embeddable widget, and the supervisors' view.
 */
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import { publicRoute, userRoute } from '../../platform/http/route.ts';
import { chatPage, widgetScript } from './chat.pages.ts';
import { ChatMessageSchema, ConversationsQuery, FeedbackBody, MessageParams, PostMessageBody, SessionCreatedSchema, SessionParams, StartSessionBody, TurnSchema } from './chat.schema.ts';
import * as service from './chat.service.ts';

export function chatRoutes(ctx: AppContext) {
  const tags = ['chat 智能客服'];
  return [
    publicRoute({
      method: 'post',
      path: '/api/chat/sessions',
      summary: '开始网页会话（返回会话凭证，之后放在 X-Chat-Token 头）Start a web conversation',
      tags,
      body: StartSessionBody,
      response: SessionCreatedSchema,
      status: 201,
      handler: async ({ body, origin }) => service.startWebSession(ctx, origin, body),
    }),
    publicRoute({
      method: 'get',
      path: '/api/chat/sessions/:id',
      summary: '会话历史（需 X-Chat-Token）A conversation so far',
      tags,
      params: SessionParams,
      response: z.object({ sessionId: z.uuid(), language: z.string(), outcome: z.string().nullable(), messages: z.array(ChatMessageSchema) }),
      handler: async ({ params, req }) => service.getWebSession(ctx, params.id, req.get('x-chat-token')),
    }),
    publicRoute({
      method: 'post',
      path: '/api/chat/sessions/:id/messages',
      summary: '发送消息，返回机器人回复（需 X-Chat-Token；按 IP 限流）Send a message, get the bot’s replies',
      tags,
      params: SessionParams,
      body: PostMessageBody,
      response: TurnSchema,
      handler: async ({ params, body, origin, req }) => service.postWebMessage(ctx, origin, params.id, req.get('x-chat-token'), body.text),
    }),
    publicRoute({
      method: 'post',
      path: '/api/chat/sessions/:id/messages/:messageId/feedback',
      summary: '“这个回答有帮助吗？” Was this answer helpful?',
      tags,
      params: MessageParams,
      body: FeedbackBody,
      response: z.object({ messageId: z.string(), helpful: z.boolean(), text: z.string() }),
      handler: async ({ params, body, req }) => service.giveFeedback(ctx, params.id, req.get('x-chat-token'), params.messageId, body.helpful),
    }),
    userRoute({
      method: 'get',
      path: '/api/chat/conversations',
      summary: '机器人会话列表（班长、管理员）Bot conversations (supervisors)',
      tags,
      query: ConversationsQuery,
      handler: async ({ actor, query }) => service.listConversations(ctx, actor, query),
    }),
    userRoute({
      method: 'get',
      path: '/api/chat/conversations/:id',
      summary: '会话详情 A conversation with its messages',
      tags,
      params: SessionParams,
      handler: async ({ actor, params }) => service.getConversation(ctx, actor, params.id),
    }),
    userRoute({
      method: 'get',
      path: '/api/chat/requests',
      summary: '市民转人工留言及生成的工单 Requests left with the bot, and their tickets',
      tags,
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      handler: async ({ actor, query }) => service.listChatRequests(ctx, actor, query.limit),
    }),
    publicRoute({
      method: 'get',
      path: '/chat',
      summary: '市民在线咨询页面 The citizen chat page (HTML)',
      tags,
      query: z.object({ embed: z.string().optional(), lang: z.string().optional() }),
      handler: async ({ res, query }) => chatPage(res, { embedded: query.embed === '1' }),
    }),
    publicRoute({
      method: 'get',
      path: '/widget.js',
      summary: '可嵌入网站的咨询窗口脚本 The embeddable chat widget script',
      tags,
      handler: async ({ res }) => widgetScript(res),
    }),
  ];
}
