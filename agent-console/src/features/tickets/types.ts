/** Shapes of the work-order API as the console reads them (see server/src/modules/tickets/tickets.schema.ts). */

export const TICKET_TYPES = ['consult', 'help', 'complaint', 'report', 'suggestion', 'praise'] as const;
export const URGENCIES = ['normal', 'urgent', 'critical'] as const;
export const CHANNELS = ['phone', 'voicemail', 'web', 'sms', 'chat', 'open311'] as const;
export const TICKET_STATES = [
  'registering',
  'pending_dispatch',
  'dispatched',
  'in_progress',
  'return_review',
  'extension_review',
  'reply_review',
  'pending_survey',
  'closed',
  'merged',
] as const;
export const ASSIGNMENT_STATES = ['dispatched', 'signed', 'return_requested', 'extension_requested', 'waiting_child', 'replied', 'done', 'returned', 'withdrawn'] as const;
export const SURVEY_RESULTS = ['satisfied', 'basically_satisfied', 'unsatisfied', 'unreachable', 'declined'] as const;
export const EMERGENCY_NUMBERS = ['110', '119', '120', '122'] as const;

export type TicketType = (typeof TICKET_TYPES)[number];
export type Urgency = (typeof URGENCIES)[number];
export type Channel = (typeof CHANNELS)[number];
export type TicketState = (typeof TICKET_STATES)[number];
export type AssignmentState = (typeof ASSIGNMENT_STATES)[number];
export type DeadlineColour = 'normal' | 'warning' | 'overdue';
export type Label = { 'zh-CN': string; en: string };

/** Null for departments on confidential tickets. */
export type Caller = { name: string | null; phoneMasked: string | null; smsDeclined: boolean } | null;

export type Department = { id: string; code: string; name: string; kind: string; parentId: string | null; active: boolean };

export type Assignment = {
  id: string;
  ticketId: string;
  department: { id: string; code: string; name: string };
  role: 'lead' | 'assist';
  state: AssignmentState;
  dispatchedAt: string;
  signBy: string;
  handleBy: string;
  returnBy: string;
  warnAt: string;
  deadline: DeadlineColour;
  signOverdue: boolean;
  signedAt: string | null;
  returnReason: string | null;
  extensionUntil: string | null;
  extensionReason: string | null;
  extensionCount: number;
  childTicketId: string | null;
  reply: string | null;
  repliedAt: string | null;
  version: number;
  abilities: Record<string, boolean>;
};

export type TicketSummary = {
  id: string;
  number: string;
  channel: Channel;
  type: TicketType;
  urgency: Urgency;
  category: { id: string; code: string; name: string } | null;
  title: string;
  address: string | null;
  district: string | null;
  state: TicketState;
  stateLabel: Label;
  closure: string | null;
  confidential: boolean;
  caller: Caller;
  reopenCount: number;
  urgeCount: number;
  supervised: boolean;
  masterTicketId: string | null;
  parentTicketId: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  version: number;
};

export type TicketEvent = {
  id: string;
  at: string;
  actor: { id: string | null; name: string; role: string };
  action: string;
  label: Label | null;
  assignmentId: string | null;
  fromState: string | null;
  toState: string | null;
  note: string | null;
  data: Record<string, unknown>;
};

export type TicketDetail = TicketSummary & {
  description: string;
  latitude: number | null;
  longitude: number | null;
  callIds: string[];
  resolution: string | null;
  transferredTo: string | null;
  surveyResult: string | null;
  master: { id: string; number: string; state: TicketState } | null;
  merged: { id: string; number: string }[];
  children: { id: string; number: string; state: TicketState }[];
  assignments: Assignment[];
  events: TicketEvent[];
  abilities: Record<string, boolean>;
};

export type TicketList = { items: TicketSummary[]; nextCursor: string | null };

export type InboxItem = Assignment & {
  ticket: {
    id: string;
    number: string;
    title: string;
    type: TicketType;
    urgency: Urgency;
    state: TicketState;
    category: string | null;
    address: string | null;
    district: string | null;
    confidential: boolean;
    caller: Caller;
  };
};

export type Inbox = { items: InboxItem[]; nextCursor: string | null };

export type Category = {
  id: string;
  code: string;
  name: string;
  nameEn: string;
  parentId: string | null;
  defaultDepartment: { id: string; code: string; name: string } | null;
  children: Category[];
};

export type MergeCandidate = {
  id: string;
  number: string;
  title: string;
  state: TicketState;
  createdAt: string;
  district: string | null;
  sameCaller: boolean;
  similarity: number;
};

export type Notification = {
  id: string;
  kind: string;
  ticketId: string;
  ticketNumber: string;
  assignmentId: string | null;
  message: string;
  createdAt: string;
  read: boolean;
};

/** A knowledge-base suggestion (`POST /api/knowledge/suggest`); its department is a hint for dispatch. */
export type KbSuggestion = { id: string; code: string; question: string; answer: string; departmentCode: string | null; confidence: number };

/** The body of `POST /api/tickets/{id}/dispatch` (and of registration's `dispatch`). */
export type DispatchInput = { leadDepartmentId: string; assistDepartmentIds: string[]; note?: string; complex: boolean };
