/** Sign-in request and response shapes. */
import * as z from 'zod';
import { UserSchema } from '../directory/directory.schema.ts';

export const LoginBody = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(200),
});

export const RefreshBody = z.object({ refreshToken: z.string().min(20).max(200) });

export const SessionUserSchema = UserSchema.extend({ abilities: z.record(z.string(), z.boolean()) }).meta({ id: 'SessionUser' });

export const SessionResponse = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.number().int(),
    user: SessionUserSchema,
  })
  .meta({ id: 'Session' });

export const DemoAccountsResponse = z.object({
  enabled: z.boolean(),
  password: z.string().optional(),
  accounts: z.array(z.object({ username: z.string(), role: z.string(), displayName: z.string() })),
});
