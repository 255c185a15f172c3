/** Sign-in routes: login, refresh, logout, me, and the demo sign-ins (demo mode only). */
import * as z from 'zod';
import type { AppContext } from '../../context.ts';
import { publicRoute, userRoute } from '../../platform/http/route.ts';
import { abilitiesOf } from '../abilities.ts';
import type { UserProfile } from '../directory/index.ts';
import { getUserProfile } from '../directory/index.ts';
import { DemoAccountsResponse, LoginBody, RefreshBody, SessionResponse, SessionUserSchema } from './auth.schema.ts';
import * as service from './auth.service.ts';

export function authRoutes(ctx: AppContext) {
  const tags = ['auth 登录'];
  const withAbilities = (user: UserProfile) => ({ ...user, abilities: abilitiesOf(user) });
  const present = (session: service.IssuedSession) => ({
    accessToken: session.accessToken,
    refreshToken: session.refreshToken,
    expiresIn: ctx.config.accessTokenTtlSeconds,
    user: withAbilities(session.user),
  });

  return [
    publicRoute({
      method: 'post',
      path: '/api/auth/login',
      summary: '登录 Sign in with username and password',
      tags,
      body: LoginBody,
      response: SessionResponse,
      handler: async ({ body, origin }) => {
        const session = await service.signIn(ctx, body, origin);
        return present(session);
      },
    }),
    publicRoute({
      method: 'post',
      path: '/api/auth/refresh',
      summary: '刷新凭证 Exchange a refresh token for a new pair (the old one stops working)',
      tags,
      body: RefreshBody,
      response: SessionResponse,
      handler: async ({ body, origin }) => {
        const session = await service.refreshSession(ctx, body.refreshToken, origin);
        return present(session);
      },
    }),
    userRoute({
      method: 'post',
      path: '/api/auth/logout',
      summary: '退出登录 Sign out (revokes this sign-in)',
      tags,
      status: 204,
      handler: async ({ actor }) => service.signOut(ctx, actor),
    }),
    userRoute({
      method: 'get',
      path: '/api/auth/me',
      summary: '当前用户 The signed-in user and what they may do',
      tags,
      response: z.object({ user: SessionUserSchema }),
      handler: async ({ actor }) => ({ user: withAbilities(await getUserProfile(ctx.db, actor.id)) }),
    }),
    publicRoute({
      method: 'get',
      path: '/api/auth/demo-accounts',
      summary: '演示账号 Demo sign-ins (only in demo mode)',
      tags,
      response: DemoAccountsResponse,
      handler: async () => {
        if (!ctx.config.seedDemo) return { enabled: false, accounts: [] };
        const rows = await ctx.db
          .selectFrom('users')
          .select(['username', 'role', 'display_name'])
          .where('is_demo', '=', true)
          .where('active', '=', true)
          .orderBy('role')
          .orderBy('username')
          .execute();
        return {
          enabled: rows.length > 0,
          password: ctx.config.demoPassword,
          accounts: rows.map((r) => ({ username: r.username, role: r.role, displayName: r.display_name })),
        };
      },
    }),
  ];
}
