/**
 * The database as Kysely sees it: one interface per table, composed into `Database`. Each module reads and
 * writes only its own tables through its repository; this file is just the shared type map.
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type Role = 'admin' | 'supervisor' | 'agent' | 'department_staff' | 'auditor';
export type DepartmentKind = 'hotline' | 'bureau' | 'enterprise' | 'street' | 'subunit';

export interface AppMetaTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  updated_at: Timestamp;
}

export interface DepartmentsTable {
  id: Generated<string>;
  code: string;
  name: string;
  kind: DepartmentKind;
  parent_id: string | null;
  contact_phone: string | null;
  active: Generated<boolean>;
  /** The 效能监督 office that handles complaints about other departments' conduct (at most one; migration 0009). */
  supervision_office: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface DesksTable {
  code: string;
  name_zh: string;
  name_en: string;
  sort_order: Generated<number>;
}

export interface UsersTable {
  id: Generated<string>;
  username: string;
  display_name: string;
  employee_no: string | null;
  role: Role;
  department_id: string | null;
  password_hash: string;
  active: Generated<boolean>;
  is_demo: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface UserSkillsTable {
  user_id: string;
  desk_code: string;
  level: Generated<number>;
}

export interface AuthSessionsTable {
  id: Generated<string>;
  user_id: string;
  created_at: CreatedAt;
  last_refreshed_at: Date | null;
  revoked_at: Date | null;
  revoke_reason: string | null;
  ip: string | null;
  user_agent: string | null;
}

export interface RefreshTokensTable {
  id: Generated<string>;
  session_id: string;
  token_hash: Buffer;
  created_at: CreatedAt;
  expires_at: Date;
  used_at: Date | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: Generated<number>;
  last_failed_at: Date | null;
  locked_until: Date | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: Generated<Date>;
  actor_id: string | null;
  actor_username: string | null;
  actor_role: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  ip: string | null;
  user_agent: string | null;
  data: ColumnType<Record<string, unknown>, string | undefined, never>;
}

// ── Work orders (migration 0002) ────────────────────────────────────────────────────────────────────────────
export type TicketChannel = 'phone' | 'voicemail' | 'web' | 'sms' | 'chat' | 'open311';
export type TicketTypeColumn = 'consult' | 'help' | 'complaint' | 'report' | 'suggestion' | 'praise';
export type UrgencyColumn = 'normal' | 'urgent' | 'critical';
export type TicketStateColumn =
  | 'registering'
  | 'pending_dispatch'
  | 'dispatched'
  | 'in_progress'
  | 'return_review'
  | 'extension_review'
  | 'reply_review'
  | 'pending_survey'
  | 'closed'
  | 'merged';
export type AssignmentStateColumn =
  | 'dispatched'
  | 'signed'
  | 'return_requested'
  | 'extension_requested'
  | 'waiting_child'
  | 'replied'
  | 'done'
  | 'returned'
  | 'withdrawn';

export interface TicketCategoriesTable {
  id: Generated<string>;
  code: string;
  parent_id: string | null;
  name: string;
  name_en: Generated<string>;
  default_department_code: string | null;
  active: Generated<boolean>;
  sort_order: Generated<number>;
}

export interface TicketNumberSequencesTable {
  day: string;
  last_value: number;
}

export interface TicketsTable {
  id: Generated<string>;
  number: string;
  channel: TicketChannel;
  type: TicketTypeColumn;
  urgency: UrgencyColumn;
  category_id: string | null;
  title: string;
  description: string;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  district: string | null;
  caller_name: string | null;
  caller_phone_encrypted: string | null;
  caller_phone_hash: string | null;
  caller_phone_masked: string | null;
  caller_phone_last_four: string | null;
  caller_sms_declined: Generated<boolean>;
  confidential: Generated<boolean>;
  call_ids: Generated<string[]>;
  state: TicketStateColumn;
  closure: 'handled' | 'resolved_on_call' | 'transferred' | 'informed' | null;
  transferred_to: '110' | '119' | '120' | '122' | null;
  resolution: string | null;
  survey_result: 'satisfied' | 'basically_satisfied' | 'unsatisfied' | 'unreachable' | 'declined' | null;
  reopen_count: Generated<number>;
  urge_count: Generated<number>;
  last_urged_at: Date | null;
  supervised_at: Date | null;
  parent_ticket_id: string | null;
  parent_assignment_id: string | null;
  master_ticket_id: string | null;
  registered_by: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  closed_at: Date | null;
}

export interface TicketAssignmentsTable {
  id: Generated<string>;
  ticket_id: string;
  department_id: string;
  role: 'lead' | 'assist';
  state: AssignmentStateColumn;
  resume_state: 'dispatched' | 'signed' | null;
  urgency: UrgencyColumn;
  urgency_rank: ColumnType<number, never, never>;
  dispatched_at: Date;
  dispatched_by: string | null;
  dispatch_note: string | null;
  sign_by: Date;
  handle_by: Date;
  return_by: Date;
  warn_at: Date;
  warned_at: Date | null;
  overdue_at: Date | null;
  signed_at: Date | null;
  signed_by: string | null;
  return_reason: string | null;
  extension_until: Date | null;
  extension_reason: string | null;
  extension_count: Generated<number>;
  child_ticket_id: string | null;
  reply: string | null;
  replied_at: Date | null;
  replied_by: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface TicketEventsTable {
  id: Generated<string>;
  ticket_id: string;
  assignment_id: string | null;
  at: Generated<Date>;
  actor_id: string | null;
  actor_name: string;
  actor_role: string;
  action: string;
  from_state: string | null;
  to_state: string | null;
  note: string | null;
  data: ColumnType<Record<string, unknown>, string | undefined, never>;
}

export interface TicketDeadlineRulesTable {
  type: TicketTypeColumn;
  urgency: UrgencyColumn;
  windows: ColumnType<unknown, string, string>;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface CalendarOverridesTable {
  date: ColumnType<string, string, string>;
  kind: 'workday' | 'holiday';
  note: string | null;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface TicketNotificationsTable {
  id: Generated<string>;
  department_id: string | null;
  role: string | null;
  kind: string;
  ticket_id: string;
  assignment_id: string | null;
  message: string;
  created_at: Generated<Date>;
  read_at: Date | null;
}

// --- calls, telephony, routing (0003_calls) ---
type Json = ColumnType<unknown, string | undefined, string>;
type Numeric = ColumnType<string | null, number | string | null | undefined, number | string | null>;

export type CallStatus = 'ivr' | 'queued' | 'offering' | 'talking' | 'voicemail' | 'ended';
export type CallerLocation = 'ivr' | 'queue' | 'conference' | 'none';
export type CallOutcome = 'answered' | 'abandoned' | 'voicemail' | 'transferred_out' | 'blocked' | 'ivr_ended' | 'callback_requested' | 'failed';
export type AgentStateName = 'offline' | 'available' | 'ringing' | 'on_call' | 'wrap_up' | 'break';

export interface CallsTable {
  id: Generated<string>;
  call_sid: string | null;
  direction: 'inbound' | 'callback';
  caller_hash: string;
  caller_encrypted: string;
  caller_masked: string;
  status: CallStatus;
  caller_location: Generated<CallerLocation>;
  ivr_flow: string | null;
  ivr_state: Json | null;
  ivr_seq: Generated<number>;
  desk: string | null;
  priority: Generated<number>;
  repeat_caller: Generated<boolean>;
  blocked: Generated<boolean>;
  language: Generated<string>;
  offered_at: Generated<Date>;
  queued_at: Date | null;
  first_offered_at: Date | null;
  answered_at: Date | null;
  abandoned_at: Date | null;
  transferred_at: Date | null;
  ended_at: Date | null;
  wait_seconds: Numeric;
  talk_seconds: Numeric;
  agent_id: string | null;
  /** A live call whose agent's leg has ended: the agent is free for another call (0017). */
  agent_left_at: Date | null;
  answered_by: string | null;
  conference_name: string | null;
  conference_sid: string | null;
  outcome: CallOutcome | null;
  wrap_up_code: string | null;
  transfer_target: string | null;
  callback_of: string | null;
  missed_call_id: string | null;
  callback_requested: Generated<boolean>;
  target_agent_id: string | null;
  offer_failures: Generated<number>;
  /** Seconds the caller spent on hold in finished holds; an open hold starts at held_since (0014). */
  hold_seconds: ColumnType<string, string | number | undefined, string | number>;
  held_since: Date | null;
  agent_muted: Generated<boolean>;
  carrier_checked_at: Date | null;
  transcript: string | null;
  failure: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface CallEventsTable {
  id: Generated<string>;
  call_id: string;
  at: Generated<Date>;
  kind: string;
  actor_id: string | null;
  data: ColumnType<Record<string, unknown>, string | undefined, never>;
}

export interface WebhookEventsTable {
  call_sid: string;
  event: string;
  response: string | null;
  created_at: CreatedAt;
}

export interface AgentStatesTable {
  user_id: string;
  state: AgentStateName;
  reason: string | null;
  since: Timestamp;
  idle_since: Timestamp;
  call_id: string | null;
  wrap_until: Date | null;
}

export interface AgentStateChangesTable {
  id: Generated<string>;
  user_id: string;
  from_state: AgentStateName | null;
  to_state: AgentStateName;
  reason: string | null;
  call_id: string | null;
  at: Generated<Date>;
}

export interface CallOffersTable {
  id: Generated<string>;
  call_id: string;
  agent_id: string;
  leg_sid: string | null;
  status: 'ringing' | 'accepted' | 'declined' | 'no_answer' | 'failed' | 'canceled' | 'ended';
  offered_at: Generated<Date>;
  answered_at: Date | null;
  ended_at: Date | null;
  reason: string | null;
  /** Reserved inside another use case's transaction; dialled by the first process to claim it (0015). */
  dial_pending: Generated<boolean>;
}

export interface CallLegsTable {
  leg_sid: string;
  call_id: string;
  kind: 'department' | 'emergency' | 'outside';
  target_masked: string;
  department_id: string | null;
  status: Generated<string>;
  created_at: CreatedAt;
  ended_at: Date | null;
}

export interface BlockedNumbersTable {
  phone_hash: string;
  phone_encrypted: string;
  phone_masked: string;
  reason: string;
  blocked_by: string | null;
  blocked_at: Generated<Date>;
  active: Generated<boolean>;
  unblocked_by: string | null;
  unblocked_at: Date | null;
}

export interface CallerWarningsTable {
  id: Generated<string>;
  phone_hash: string;
  call_id: string | null;
  reason: string;
  warned_by: string | null;
  at: Generated<Date>;
}

/** Wrap-up codes (话后小结) the hotline admins manage (0014). */
export interface WrapUpCodesTable {
  code: string;
  label_zh: string;
  label_en: string;
  active: Generated<boolean>;
  system: Generated<boolean>;
  sort_order: Generated<number>;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
  updated_by: string | null;
}

export interface MissedCallsTable {
  id: Generated<string>;
  call_id: string;
  caller_hash: string;
  caller_encrypted: string;
  caller_masked: string;
  reason: 'abandoned' | 'callback_requested' | 'voicemail' | 'failed';
  status: Generated<'open' | 'claimed' | 'calling' | 'completed' | 'failed'>;
  claimed_by: string | null;
  claimed_at: Date | null;
  attempts: Generated<number>;
  last_attempt_at: Date | null;
  callback_call_id: string | null;
  completed_at: Date | null;
  result: string | null;
  created_at: CreatedAt;
}

export interface VoicemailsTable {
  id: Generated<string>;
  call_id: string;
  recording_sid: string;
  recording_url: string | null;
  duration_seconds: Numeric;
  transcript: string | null;
  transcript_status: Generated<'pending' | 'done' | 'unavailable' | 'failed'>;
  transcript_error: string | null;
  ticket_id: string | null;
  created_at: CreatedAt;
}

export interface CallRecordingsTable {
  recording_sid: string;
  call_id: string;
  recording_url: string | null;
  duration_seconds: Numeric;
  source: string | null;
  transcript: string | null;
  transcript_status: Generated<'pending' | 'done' | 'unavailable' | 'failed'>;
  transcript_error: string | null;
  created_at: CreatedAt;
}

// --- knowledge base and chatbot (0004_knowledge) ---
export type KbState = 'draft' | 'review' | 'published' | 'archived';
export type ChatChannel = 'web' | 'sms' | 'phone';

export interface KbEntriesTable {
  id: Generated<string>;
  code: string;
  department_code: string | null;
  state: KbState;
  current_version: Generated<number>;
  live_version: number | null;
  review_due_on: ColumnType<string | null, string | null | undefined, string | null>;
  is_sample: Generated<boolean>;
  review_note: string | null;
  created_by: string | null;
  updated_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  published_at: Date | null;
  archived_at: Date | null;
}

export interface KbEntryVersionsTable {
  entry_id: string;
  version: number;
  question: string;
  answer: string;
  alternates: Generated<string[]>;
  keywords: Generated<string[]>;
  topic: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  note: string | null;
}

/** Why a question is on the curators' list (migration 0020 added offer_taken: the citizen picked an offered entry). */
export type GapReason = 'unanswered' | 'low_confidence' | 'unhelpful' | 'offer_taken';

export interface KbGapsTable {
  id: Generated<string>;
  at: Generated<Date>;
  channel: ChatChannel | 'agent';
  reason: GapReason;
  text: string;
  normalised: string;
  best_entry_id: string | null;
  confidence: Generated<number>;
  session_id: string | null;
  resolved_at: Date | null;
  resolved_by: string | null;
}

export interface ChatSessionsTable {
  id: Generated<string>;
  channel: ChatChannel;
  token_hash: Buffer | null;
  source_key: string | null;
  phone_encrypted: string | null;
  phone_masked: string | null;
  phone_last_four: string | null;
  language: Generated<string>;
  context: ColumnType<Record<string, unknown>, string | undefined, string>;
  outcome: 'answered' | 'unanswered' | 'handoff' | 'request_left' | null;
  message_count: Generated<number>;
  created_at: CreatedAt;
  last_message_at: Timestamp;
}

export interface ChatMessagesTable {
  id: Generated<string>;
  session_id: string;
  at: Generated<Date>;
  role: 'user' | 'bot';
  text: string;
  kind: string | null;
  entry_id: string | null;
  confidence: number | null;
  choices: ColumnType<unknown, string | null | undefined, string | null>;
  helpful: boolean | null;
  feedback_at: Date | null;
}

export interface ChatRequestsTable {
  id: Generated<string>;
  session_id: string;
  channel: string;
  text: string;
  phone_encrypted: string | null;
  phone_masked: string | null;
  ticket_id: string | null;
  ticket_number: string | null;
  status: Generated<'open' | 'ticketed'>;
  created_at: CreatedAt;
}

export interface ChatSmsInboundTable {
  message_sid: string;
  session_id: string | null;
  reply: string | null;
  created_at: CreatedAt;
}

// --- follow-up: surveys and post-call ratings (0005_surveys) ---
export type SurveyOutcome = 'satisfied' | 'basically_satisfied' | 'unsatisfied' | 'unreachable' | 'declined';
export type SurveyState = 'scheduled' | 'calling' | 'sms_sent' | 'awaiting_decision' | 'completed' | 'skipped' | 'cancelled';

export interface SurveyPolicyTable {
  id: Generated<number>;
  sample_rates: ColumnType<Record<string, number>, string, string>;
  delay_working_days: number;
  calling_from: string;
  calling_to: string;
  calling_days: 'working' | 'every';
  max_call_attempts: number;
  attempt_spacing_minutes: number;
  channels: ColumnType<Array<'phone' | 'sms'>, string[], string[]>;
  sms_link_valid_hours: number;
  post_call_rating: boolean;
  record_comment: boolean;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface SurveysTable {
  id: Generated<string>;
  ticket_id: string;
  round: number;
  ticket_type: TicketTypeColumn;
  department_id: string | null;
  agent_id: string | null;
  state: SurveyState;
  outcome: SurveyOutcome | null;
  answered_channel: 'phone' | 'sms' | null;
  answered_at: Date | null;
  comment: string | null;
  comment_recording_sid: string | null;
  comment_recording_url: string | null;
  comment_transcript_status: 'pending' | 'done' | 'unavailable' | 'failed' | null;
  comment_transcript_error: string | null;
  call_attempts: Generated<number>;
  sms_sent: Generated<boolean>;
  next_attempt_at: Date | null;
  decision: 'reopened' | 'closed' | null;
  decision_note: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  ticket_settled_at: Date | null;
  skip_reason: string | null;
  completed_at: Date | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface SurveyAttemptsTable {
  id: Generated<string>;
  survey_id: string;
  attempt_no: number;
  channel: 'phone' | 'sms';
  status: string;
  call_sid: string | null;
  answered_by: string | null;
  ivr_state: Json | null;
  ivr_seq: Generated<number>;
  result: string | null;
  error: string | null;
  started_at: Generated<Date>;
  ended_at: Date | null;
}

export interface SurveyLinksTable {
  id: Generated<string>;
  survey_id: string;
  attempt_id: string;
  token_hash: Buffer;
  expires_at: Date;
  used_at: Date | null;
  created_at: CreatedAt;
}

export interface SurveyWebhooksTable {
  call_sid: string;
  event: string;
  response: string | null;
  created_at: CreatedAt;
}

export interface CallRatingsTable {
  id: Generated<string>;
  call_id: string;
  agent_id: string | null;
  call_sid: string;
  status: 'asking' | 'rated' | 'no_answer' | 'failed';
  rating: 'satisfied' | 'basically_satisfied' | 'unsatisfied' | null;
  ivr_state: Json | null;
  ivr_seq: Generated<number>;
  created_at: CreatedAt;
  rated_at: Date | null;
}

/** Open311 client keys (0006): only the SHA-256 of a key is stored. */
export interface Open311ApiKeysTable {
  id: Generated<string>;
  name: string;
  key_prefix: string;
  key_hash: Buffer;
  created_by: string | null;
  created_at: Generated<Date>;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** Request windows of citizen-facing endpoints (0006). */
/** Fixed-window request counters (platform/rate-limit.ts). */
export interface RateLimitsTable {
  key: string;
  window_start: Date;
  count: number;
}

/** Measure rollups per local day (reports, migration 0011). */
export type RollupKind = 'additive' | 'month_end' | 'current';
export interface ReportRollupsTable {
  kind: RollupKind;
  day: ColumnType<Date, string, string>;
  measure: string;
  grouping: number;
  department_id: string | null;
  desk: string | null;
  agent_id: string | null;
  channel: string | null;
  type: string | null;
  category_id: string | null;
  n: number;
  s: ColumnType<string, string | number, string | number>;
}
export interface ReportRollupDaysTable {
  kind: RollupKind;
  day: ColumnType<Date, string, string>;
  as_of: Date | null;
  valid_until: Date | null;
  rolled_at: Timestamp;
}
/** Hour rollups of the current day (migration 0012): `hour` is the instant the local hour starts. */
export interface ReportRollupHoursTable extends Omit<ReportRollupsTable, 'day' | 'kind'> {
  kind: 'additive' | 'current';
  hour: Date;
}
export interface ReportRollupHourSlotsTable {
  kind: 'additive' | 'current';
  hour: Date;
  as_of: Date | null;
  valid_until: Date | null;
  rolled_at: Timestamp;
}
export interface ReportRollupStateTable {
  id: Generated<number>;
  last_started_at: Date;
  last_event_id: ColumnType<string, string | number | undefined, string | number>;
}

/** Department assessment (考核, migration 0009). */
export interface AssessmentSchemesTable {
  version: number;
  effective_from: string;
  definition: unknown;
  note: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface AssessmentItemScoresTable {
  period: string;
  department_id: string;
  item_key: string;
  points: string | number;
  note: string;
  evidence: string[];
  scored_by: string;
  scored_at: Generated<Date>;
}

export interface AssessmentBonusesTable {
  id: Generated<string>;
  department_id: string;
  kind: 'commendation' | 'thanks';
  points: string | number;
  awarded_on: string;
  note: string;
  evidence: string[];
  recorded_by: string;
  recorded_at: Generated<Date>;
}

export interface ConductComplaintsTable {
  ticket_id: string;
  department_id: string;
  flagged_by: string | null;
  flagged_at: Generated<Date>;
  finding: 'substantiated' | 'unsubstantiated' | null;
  finding_note: string | null;
  evidence: Generated<string[]>;
  decided_by: string | null;
  decided_at: Date | null;
}

export interface AssessmentPublicationsTable {
  period: string;
  scheme_version: number;
  published_at: Date;
  published_by: string;
}

export interface AssessmentResultsTable {
  period: string;
  department_id: string;
  assessed: boolean;
  rank: number | null;
  total: string | number | null;
  breakdown: unknown;
}

// --- hotspot alerts (0010_hotspots) ---
export interface HotspotSettingsTable {
  id: Generated<number>;
  rules: ColumnType<unknown, string, string>;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface HotspotAlertsTable {
  id: Generated<string>;
  category_id: string;
  district: string;
  state: 'open' | 'closed';
  window_hours: number;
  ticket_count: number;
  expected: number;
  score: number;
  peak_count: number;
  peak_score: number;
  windows: ColumnType<unknown, string, string>;
  opened_at: Date;
  last_detected_at: Date;
  closed_at: Date | null;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  acknowledge_note: string | null;
  updated_at: Timestamp;
}

export interface HotspotAlertTicketsTable {
  alert_id: string;
  ticket_id: string;
  linked_at: CreatedAt;
}

export interface Database {
  app_meta: AppMetaTable;
  departments: DepartmentsTable;
  desks: DesksTable;
  users: UsersTable;
  user_skills: UserSkillsTable;
  auth_sessions: AuthSessionsTable;
  refresh_tokens: RefreshTokensTable;
  login_throttle: LoginThrottleTable;
  audit_log: AuditLogTable;
  ticket_categories: TicketCategoriesTable;
  ticket_number_sequences: TicketNumberSequencesTable;
  tickets: TicketsTable;
  ticket_assignments: TicketAssignmentsTable;
  ticket_events: TicketEventsTable;
  ticket_deadline_rules: TicketDeadlineRulesTable;
  calendar_overrides: CalendarOverridesTable;
  ticket_notifications: TicketNotificationsTable;
  calls: CallsTable;
  call_events: CallEventsTable;
  webhook_events: WebhookEventsTable;
  agent_states: AgentStatesTable;
  agent_state_changes: AgentStateChangesTable;
  call_offers: CallOffersTable;
  call_legs: CallLegsTable;
  blocked_numbers: BlockedNumbersTable;
  caller_warnings: CallerWarningsTable;
  missed_calls: MissedCallsTable;
  wrap_up_codes: WrapUpCodesTable;
  voicemails: VoicemailsTable;
  call_recordings: CallRecordingsTable;
  kb_entries: KbEntriesTable;
  kb_entry_versions: KbEntryVersionsTable;
  kb_gaps: KbGapsTable;
  chat_sessions: ChatSessionsTable;
  chat_messages: ChatMessagesTable;
  chat_requests: ChatRequestsTable;
  chat_sms_inbound: ChatSmsInboundTable;
  open311_api_keys: Open311ApiKeysTable;
  rate_limits: RateLimitsTable;
  survey_policy: SurveyPolicyTable;
  surveys: SurveysTable;
  survey_attempts: SurveyAttemptsTable;
  survey_links: SurveyLinksTable;
  survey_webhooks: SurveyWebhooksTable;
  call_ratings: CallRatingsTable;
  hotspot_settings: HotspotSettingsTable;
  hotspot_alerts: HotspotAlertsTable;
  hotspot_alert_tickets: HotspotAlertTicketsTable;
  assessment_schemes: AssessmentSchemesTable;
  assessment_item_scores: AssessmentItemScoresTable;
  assessment_bonuses: AssessmentBonusesTable;
  conduct_complaints: ConductComplaintsTable;
  assessment_publications: AssessmentPublicationsTable;
  assessment_results: AssessmentResultsTable;
  report_rollups: ReportRollupsTable;
  report_rollup_days: ReportRollupDaysTable;
  report_rollup_state: ReportRollupStateTable;
  report_rollup_hours: ReportRollupHoursTable;
  report_rollup_hour_slots: ReportRollupHourSlotsTable;
}
