/** HTTP routes of the knowledge base: parse → service → present. */
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import { userRoute } from '../../platform/http/route.ts';
import {
  ActionParams,
  CreateEntryBody,
  EntryActionBody,
  EntryDetailSchema,
  EntrySchema,
  ExportQuery,
  GapGroupSchema,
  GapsQuery,
  IdParams,
  ImportBody,
  ImportResultSchema,
  ListEntriesQuery,
  ResolveGapBody,
  SearchQuery,
  SearchResultSchema,
  SuggestBody,
  SuggestionSchema,
  UpdateEntryBody,
} from './knowledge.schema.ts';
import * as service from './knowledge.service.ts';

export function knowledgeRoutes(ctx: AppContext) {
  const tags = ['knowledge 知识库'];
  return [
    userRoute({
      method: 'get',
      path: '/api/knowledge/search',
      summary: '知识库检索（高亮命中）Search published entries, matches highlighted',
      tags,
      query: SearchQuery,
      response: SearchResultSchema,
      handler: async ({ actor, query }) => service.searchKnowledge(ctx, actor, query.q, query.limit),
    }),
    userRoute({
      method: 'post',
      path: '/api/knowledge/suggest',
      summary: '受理时推荐答案（前三条及置信度）Suggested answers for a ticket description (top 3 with confidence)',
      tags,
      body: SuggestBody,
      response: z.object({ items: z.array(SuggestionSchema) }),
      handler: async ({ actor, body }) => service.suggestAnswers(ctx, actor, body.text),
    }),
    userRoute({
      method: 'get',
      path: '/api/knowledge/entries',
      summary: '条目列表（按状态、部门、是否过期）List entries (department staff: their own)',
      tags,
      query: ListEntriesQuery,
      response: z.object({ items: z.array(EntrySchema), counts: z.record(z.string(), z.number()) }),
      handler: async ({ actor, query }) => service.listEntries(ctx, actor, query),
    }),
    userRoute({
      method: 'post',
      path: '/api/knowledge/entries',
      summary: '新建条目（草稿）Create an entry (as a draft)',
      tags,
      body: CreateEntryBody,
      response: EntryDetailSchema,
      status: 201,
      handler: async ({ actor, body }) => service.createEntry(ctx, actor, body),
    }),
    userRoute({
      method: 'get',
      path: '/api/knowledge/entries/:id',
      summary: '条目详情及历史版本 An entry with its versions',
      tags,
      params: IdParams,
      response: EntryDetailSchema,
      handler: async ({ actor, params }) => service.getEntry(ctx, actor, params.id),
    }),
    userRoute({
      method: 'put',
      path: '/api/knowledge/entries/:id',
      summary: '修改条目（生成新版本，回到草稿）Save a new version (back to draft; a published version stays live)',
      tags,
      params: IdParams,
      body: UpdateEntryBody,
      response: EntryDetailSchema,
      handler: async ({ actor, params, body }) => service.updateEntry(ctx, actor, params.id, body),
    }),
    // Before /:action, which would take adopt-phrasings for a workflow action and refuse it.
    userRoute({
      method: 'post',
      path: '/api/knowledge/entries/:id/adopt-phrasings',
      summary: '把市民选中该条目时的问法加为其问法（生成草稿新版本）Add the questions citizens picked this entry for as its phrasings (a new draft version)',
      tags,
      params: IdParams,
      response: z.object({ added: z.number(), entry: EntryDetailSchema }),
      handler: async ({ actor, params }) => service.adoptGapPhrasings(ctx, actor, params.id),
    }),
    userRoute({
      method: 'post',
      path: '/api/knowledge/entries/:id/:action',
      summary: '流转：提交审核/发布/退回/下线/恢复 Workflow: submit, publish, reject, archive, restore',
      tags,
      params: ActionParams,
      body: EntryActionBody,
      response: EntryDetailSchema,
      handler: async ({ actor, params, body }) => service.transitionEntry(ctx, actor, params.id, params.action, body),
    }),
    userRoute({
      method: 'post',
      path: '/api/knowledge/import',
      summary: '导入（JSON lines / YAML / xlsx，xlsx 以 base64 传）Import entries',
      tags,
      body: ImportBody,
      response: ImportResultSchema,
      handler: async ({ actor, body }) => service.importEntries(ctx, actor, body),
    }),
    userRoute({
      method: 'get',
      path: '/api/knowledge/export',
      summary: '导出（JSON lines / YAML / xlsx 文件）Export entries as a file',
      tags,
      query: ExportQuery,
      handler: async ({ actor, query, res }) => {
        const file = await service.exportEntries(ctx, actor, query);
        // attachment() guesses a type from the extension; the format's own type is set after it.
        res.status(200).attachment(file.filename).setHeader('Content-Type', file.contentType);
        res.send(file.body);
      },
    }),
    userRoute({
      method: 'get',
      path: '/api/knowledge/gaps',
      summary: '未答好的问题（归并计数）Questions the bot could not answer, grouped and counted',
      tags,
      query: GapsQuery,
      response: z.object({ items: z.array(GapGroupSchema) }),
      handler: async ({ actor, query }) => service.listGaps(ctx, actor, query),
    }),
    userRoute({
      method: 'post',
      path: '/api/knowledge/gaps/resolve',
      summary: '标记一组问题已处理 Mark a group of questions as dealt with',
      tags,
      body: ResolveGapBody,
      response: z.object({ resolved: z.number() }),
      handler: async ({ actor, body }) => service.resolveGap(ctx, actor, body.key),
    }),
    userRoute({
      method: 'get',
      path: '/api/knowledge/index',
      summary: '本进程知识库索引状态 This process’s live index',
      tags,
      response: z.object({ entries: z.number(), updates: z.number(), lastUpdateAt: z.string() }),
      handler: async () => service.indexStatus(ctx),
    }),
  ];
}
