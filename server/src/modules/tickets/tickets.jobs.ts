/**
 * Jobs of work orders: the deadline checks each assignment schedules for itself, and text messages to callers
 * and department contacts. Payloads are validated here (a job payload is an edge).
 */
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import { defineJob, type JobDefinition } from '../../platform/jobs.ts';
import { deadlineJobName } from './deadlines.ts';
import { checkAssignmentDeadline, notifyCaller, notifyDepartment } from './tickets.service.ts';

export function ticketJobs(ctx: AppContext): JobDefinition[] {
  return [
    defineJob({
      name: deadlineJobName,
      payload: z.object({ assignmentId: z.uuid(), kind: z.enum(['warning', 'overdue']), dueAt: z.iso.datetime() }),
      run: async (payload) => void (await checkAssignmentDeadline(ctx, payload)),
    }),
    defineJob({
      name: 'tickets.notify-caller',
      payload: z.object({ ticketId: z.uuid(), kind: z.enum(['registered', 'closed']) }),
      run: async (payload) => void (await notifyCaller(ctx, payload)),
    }),
    defineJob({
      name: 'tickets.notify-department',
      payload: z.object({ departmentId: z.uuid(), ticketId: z.uuid(), kind: z.enum(['urged', 'supervised', 'warning', 'overdue']) }),
      run: async (payload) => void (await notifyDepartment(ctx, payload)),
    }),
  ] as JobDefinition[];
}
