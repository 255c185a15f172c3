/**
 * What other modules may use from work orders: registration (calls, Open311, chat file tickets through it),
 * the lifecycle table, survey results (the surveys module records them), abilities and routes.
 */
export {
  registerTicket,
  allocateTicketNumber,
  dispatchTicket,
  recordSurveyResult,
  closeTicket,
  checkAssignmentDeadline,
  type ServiceOptions,
} from './tickets.service.ts';
export { getTicket, listTickets } from './tickets.queries.ts';
export { transitions, ticketStates, assignmentStates, type TicketAction, type TicketState, type AssignmentState } from './lifecycle.ts';
export { ticketAbilities } from './tickets.policy.ts';
export { stateLabels } from './tickets.presenter.ts';
export { RegisterTicketBody, type RegisterTicketInput } from './tickets.schema.ts';
export { ticketRoutes } from './tickets.routes.ts';
export { ticketJobs } from './tickets.jobs.ts';
export { loadWorkingCalendar, loadDeadlinePolicy } from './deadlines.ts';
