/**
 * Every migration, in order. Listed statically (not discovered on disk) so a typo fails type-checking
 * and the set is the same however the server is started.
 */
import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_platform.ts';
import * as m0002 from './0002_tickets.ts';
import * as m0003 from './0003_calls.ts';
import * as m0004 from './0004_knowledge.ts';
import * as m0005 from './0005_surveys.ts';
import * as m0006 from './0006_tickets_perf.ts';
import * as m0007 from './0007_reports.ts';
import * as m0008 from './0008_rate_limits.ts';
import * as m0009 from './0009_assessment.ts';
import * as m0010 from './0010_hotspots.ts';
import * as m0011 from './0011_report_rollups.ts';
import * as m0012 from './0012_report_hour_rollups.ts';
import * as m0013 from './0013_open_offers.ts';
import * as m0014 from './0014_call_features.ts';
import * as m0015 from './0015_routing_reserve.ts';
import * as m0017 from './0017_routing_agent_left.ts';
import * as m0018 from './0018_routing_cheaper_pass.ts';
import * as m0019 from './0019_call_lookups.ts';
import * as m0020 from './0020_gap_offer_taken.ts';

export const migrations: Record<string, Migration> = {
  '0001_platform': m0001,
  '0002_tickets': m0002,
  '0003_calls': m0003,
  '0004_knowledge': m0004,
  '0005_surveys': m0005,
  '0006_tickets_perf': m0006,
  '0007_reports': m0007,
  '0008_rate_limits': m0008,
  '0009_assessment': m0009,
  '0010_hotspots': m0010,
  '0011_report_rollups': m0011,
  '0012_report_hour_rollups': m0012,
  '0013_open_offers': m0013,
  '0014_call_features': m0014,
  '0015_routing_reserve': m0015,
  '0017_routing_agent_left': m0017,
  '0018_routing_cheaper_pass': m0018,
  '0019_call_lookups': m0019,
  '0020_gap_offer_taken': m0020,
};
