/**
 * Starts the real platform (HTTP, socket.io, worker) on a fresh test database and a free port, and gives
 * tests a small JSON client for it.
 */
import { loadConfig } from '../../server/src/config.ts';
import { createLogger } from '../../server/src/platform/logger.ts';
import { startPlatform, type Platform } from '../../server/src/server.ts';
import { createTestDatabase } from './database.ts';

export type TestPlatform = Platform & { url: string; api: ApiClient };

export async function startTestPlatform(env: Record<string, string> = {}): Promise<TestPlatform> {
  const databaseUrl = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SEED_DEMO: '0',
    DB_POOL_SIZE: '5',
    ...env,
  });
  const platform = await startPlatform(config, createLogger(config.logLevel));
  return Object.assign(platform, { url: platform.url!, api: apiClient(platform.url!) });
}

export type ApiResponse<T = any> = { status: number; body: T; headers: Headers };

export type ApiClient = {
  request<T = any>(method: string, path: string, options?: { body?: unknown; token?: string; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
  get<T = any>(path: string, token?: string): Promise<ApiResponse<T>>;
  post<T = any>(path: string, body?: unknown, token?: string): Promise<ApiResponse<T>>;
};

export function apiClient(baseUrl: string): ApiClient {
  const request = async (method: string, path: string, options: { body?: unknown; token?: string; headers?: Record<string, string> } = {}) => {
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    });
    const text = await response.text();
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body, headers: response.headers };
  };
  return {
    request,
    get: (path, token) => request('GET', path, { token }),
    post: (path, body, token) => request('POST', path, { body, token }),
  };
}
