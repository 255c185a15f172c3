/**
 * GeoReport v2 parameters (zod, parsed inside the handlers so that a bad parameter answers in the spec's
 * error format `[{code, description}]` rather than the platform's) and the admin key API's shapes.
 */
import * as z from 'zod';

const csv = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));
const datetime = z.iso.datetime({ offset: true });

export const ListRequestsParams = z.object({
  jurisdiction_id: z.string().max(100).optional(),
  service_request_id: csv.pipe(z.array(z.string().max(40)).max(100)).optional(),
  service_code: csv.pipe(z.array(z.string().max(64)).max(50)).optional(),
  start_date: datetime.optional(),
  end_date: datetime.optional(),
  status: csv.pipe(z.array(z.enum(['open', 'closed'])).max(2)).optional(),
});

const number = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v);

export const PostRequestParams = z.object({
  jurisdiction_id: z.string().max(100).optional(),
  service_code: z.string().trim().max(64).optional(),
  lat: z.preprocess(number, z.number().min(-90).max(90)).optional(),
  long: z.preprocess(number, z.number().min(-180).max(180)).optional(),
  address_string: z.string().trim().min(1).max(200).optional(),
  address_id: z.string().max(100).optional(),
  email: z.string().max(200).optional(),
  device_id: z.string().max(200).optional(),
  account_id: z.string().max(200).optional(),
  first_name: z.string().trim().max(25).optional(),
  last_name: z.string().trim().max(25).optional(),
  phone: z.string().trim().regex(/^\+?[\d\s-]{3,20}$/, 'not a phone number').optional(),
  description: z.string().trim().max(4000).optional(),
  media_url: z.url({ protocol: /^https?$/ }).max(500).optional(),
});
export type PostRequestInput = z.infer<typeof PostRequestParams>;

export const CreateKeyBody = z.object({ name: z.string().trim().min(1).max(100).meta({ description: '使用方名称 Who uses the key (an app, a vendor)' }) });

export const ApiKeySchema = z
  .object({ id: z.uuid(), name: z.string(), prefix: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable() })
  .meta({ id: 'Open311ApiKey' });
export const CreatedKeySchema = ApiKeySchema.extend({ key: z.string().meta({ description: '密钥，仅此一次显示 The key, shown only this once' }) });
