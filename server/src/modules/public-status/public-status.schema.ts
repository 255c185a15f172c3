/** Shapes of the public status lookup (zod at the HTTP edge; the OpenAPI document is built from these). */
import * as z from 'zod';

export const StatusLookupBody = z.object({
  number: z.string().trim().min(4).max(40).regex(/^[0-9A-Za-z-]+$/, '工单编号只含数字和字母 (a ticket number has digits and letters only)').meta({ description: '工单编号 Ticket number' }),
  lastFour: z.string().trim().regex(/^\d{4}$/, '请填写来电号码后四位数字 (the last four digits of your phone)').meta({ description: '来电号码后四位 Last four digits of the phone you called from' }),
});

export const PublicStatusSchema = z
  .object({
    number: z.string(),
    stage: z.enum(['received', 'dispatched', 'handling', 'replied', 'finished', 'closed', 'answered', 'transferred', 'informed', 'merged']),
    stageText: z.string(),
    finished: z.boolean(),
    registeredAt: z.string(),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
    mergedInto: z.string().nullable(),
    departments: z.array(
      z.object({
        name: z.string(),
        role: z.enum(['lead', 'assist']),
        roleText: z.string(),
        dispatchedAt: z.string(),
        signedAt: z.string().nullable(),
        dueAt: z.string().nullable(),
        repliedAt: z.string().nullable(),
      }),
    ),
    reply: z.string().nullable(),
    repliedAt: z.string().nullable(),
  })
  .meta({ id: 'PublicTicketStatus' });
