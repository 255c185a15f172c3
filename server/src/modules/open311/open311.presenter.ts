/**
 * Tickets as GeoReport v2 service requests, with the spec's field names. Public by design (GET needs no key),
 * so nothing personal: no caller name or phone, no e-mail, no internal notes, no staff; location left out of
 * confidential tickets.
 */
import type { Language } from '../../platform/i18n.ts';
import { publicStages, stageOf } from '../public-status/index.ts';
import type { RequestRow, ServiceRow } from './open311.repository.ts';

export function presentService(s: ServiceRow, language: Language) {
  return {
    service_code: s.code,
    service_name: language === 'en' && s.name_en ? s.name_en : s.name,
    description: language === 'en' ? `${s.name_en || s.name} (${s.group_name_en || s.group_name || ''})` : `${s.group_name ?? ''} · ${s.name}`,
    metadata: false,
    type: 'realtime',
    keywords: '',
    group: (language === 'en' ? s.group_name_en || s.group_name : s.group_name) ?? '',
  };
}

const finished = (state: string) => state === 'pending_survey' || state === 'closed';

export function presentRequest(r: RequestRow, language: Language) {
  const done = finished(r.effective_state);
  // The status note is the department's reply once the hotline passed it, else the stage in plain words.
  let notes = publicStages[stageOf({ state: r.effective_state, closure: r.effective_closure })][language].replace('{to}', r.transferred_to ?? '');
  if (r.master_number) notes = publicStages.merged[language].replace('{master}', r.master_number) + (language === 'en' ? ': ' : '：') + notes;
  if (done && r.lead_state === 'done' && r.lead_reply) notes = r.lead_reply;
  else if (done && (r.effective_closure === 'resolved_on_call' || r.effective_closure === 'informed') && r.resolution) notes = r.resolution;
  const located = !r.confidential;
  return {
    service_request_id: r.number,
    status: done ? 'closed' : 'open',
    status_notes: notes,
    service_name: (language === 'en' && r.service_name_en ? r.service_name_en : r.service_name) ?? null,
    service_code: r.service_code,
    description: r.description,
    agency_responsible: r.agency ?? (language === 'en' ? '12345 hotline' : '12345政务服务便民热线'),
    service_notice: null,
    requested_datetime: r.created_at.toISOString(),
    updated_datetime: r.updated_at.toISOString(),
    expected_datetime: !done && r.lead_handle_by ? r.lead_handle_by.toISOString() : null,
    address: located ? r.address : null,
    address_id: null,
    zipcode: null,
    lat: located ? r.latitude : null,
    long: located ? r.longitude : null,
    media_url: null,
  };
}
