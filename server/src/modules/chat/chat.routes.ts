/**
 * Chat routes: the public web-chat API (a conversation is opened without signing in and then carried by
 * its token in `X-Chat-Token`), the citizen chat page and the embeddable widget, and the supervisors' view.
 */
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import { publicRoute, userRoute } from '../../platform/http/route.ts';
import { chatPage, widgetScript } from './chat.pages.ts';
import {
  ChatMessageSchema,
  ConversationsQuery,
  FeedbackBody,
  LiveMessageBody,
  LiveSchema,
  LiveTurnSchema,
  MessageParams,
  PostMessageBody,
  SessionCreatedSchema,
  SessionParams,
  SessionQuery,
  StartSessionBody,
  TurnSchema,
} from './chat.schema.ts';
import * as live from './chat.live.ts';
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
      query: SessionQuery,
      response: z.object({ sessionId: z.uuid(), language: z.string(), outcome: z.string().nullable(), messages: z.array(ChatMessageSchema), live: LiveSchema }),
      handler: async ({ params, query, req }) => service.getWebSession(ctx, params.id, req.get('x-chat-token'), query.after),
    }),
    publicRoute({
      method: 'post',
      path: '/api/chat/sessions/:id/live',
      summary: '转人工：有空闲坐席时排队等候接入，否则转为留言（需 X-Chat-Token）Wait for a live agent',
      tags,
      params: SessionParams,
      response: LiveTurnSchema,
      handler: async ({ params, req }) => live.requestLiveAgent(ctx, params.id, req.get('x-chat-token')),
    }),
    publicRoute({
      method: 'post',
      path: '/api/chat/sessions/:id/live/leave',
      summary: '不再等候或结束人工对话（需 X-Chat-Token）Stop waiting for, or leave, the live agent',
      tags,
      params: SessionParams,
      response: LiveTurnSchema,
      handler: async ({ params, req }) => live.leaveLiveAgent(ctx, params.id, req.get('x-chat-token')),
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
    userRoute({
      method: 'get',
      path: '/api/chat/live',
      summary: '等候人工的网页会话及我正在接待的会话（坐席）Web chats waiting for an agent, and mine',
      tags,
      handler: async ({ actor }) => live.listLiveChats(ctx, actor),
    }),
    userRoute({
      method: 'get',
      path: '/api/chat/live/:id',
      summary: '人工会话的完整记录 A live chat with its history',
      tags,
      params: SessionParams,
      handler: async ({ actor, params }) => live.getLiveChat(ctx, actor, params.id),
    }),
    userRoute({
      method: 'post',
      path: '/api/chat/live/:id/accept',
      summary: '接入等候中的会话（只有一位坐席能接入）Take a waiting chat',
      tags,
      params: SessionParams,
      handler: async ({ actor, params }) => live.acceptLiveChat(ctx, actor, params.id),
    }),
    userRoute({
      method: 'post',
      path: '/api/chat/live/:id/messages',
      summary: '坐席回复市民 The agent replies',
      tags,
      params: SessionParams,
      body: LiveMessageBody,
      response: ChatMessageSchema,
      handler: async ({ actor, params, body }) => live.sendLiveMessage(ctx, actor, params.id, body.text),
    }),
    userRoute({
      method: 'post',
      path: '/api/chat/live/:id/end',
      summary: '结束人工会话 End the live chat',
      tags,
      params: SessionParams,
      handler: async ({ actor, params }) => live.endLiveChat(ctx, actor, params.id),
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
