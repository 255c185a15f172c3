import { expect } from 'chai';
import * as z from 'zod';
import http from 'node:http';
import { AppError } from '../../server/src/platform/errors.ts';
import { createHttpApp } from '../../server/src/platform/http/app.ts';
import { publicRoute } from '../../server/src/platform/http/route.ts';
import { pino } from 'pino';
import { apiClient } from '../support/platform.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

describe('health, API description and errors', function () {
  let platform: TestPlatform;
  before(async () => {
    platform = await startTestPlatform();
  });
  after(() => platform?.stop());

  it('GET /healthz answers while the process is up', async () => {
    const res = await platform.api.get('/healthz');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ status: 'ok' });
  });

  it('GET /readyz checks the database, the migrations and the worker', async () => {
    const res = await platform.api.get('/readyz');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ status: 'ready', checks: { database: true, migrations: true, worker: true } });
  });

  it('describes itself in OpenAPI 3.1, generated from the validating schemas', async () => {
    const res = await platform.api.get('/api/openapi.json');
    expect(res.status).to.equal(200);
    expect(res.body.openapi).to.equal('3.1.0');
    const login = res.body.paths['/api/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema.required).to.include.members(['username', 'password']);
    expect(res.body.paths['/api/directory/users/{id}'].patch.security).to.deep.equal([{ bearer: [] }]);
    const docs = await fetch(`${platform.url}/api/docs`);
    expect(docs.headers.get('content-type')).to.match(/html/);
    expect(await docs.text()).to.include('/api/openapi.json');
    const asset = await fetch(`${platform.url}/api/docs/assets/swagger-ui-bundle.js`);
    expect(asset.status).to.equal(200);
  });

  it('an unknown API path answers a JSON 404 naming it', async () => {
    const res = await platform.api.get('/api/no-such-thing');
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('NOT_FOUND');
    expect(res.body.error.message).to.include('/api/no-such-thing');
  });

  it('validation messages follow the requested language', async () => {
    const res = await platform.api.request('GET', '/api/audit?limit=abc', { headers: { 'accept-language': 'en' } });
    // Authentication comes first: no token, no validation details.
    expect(res.status).to.equal(401);
    expect(res.body.error.message).to.equal('Please sign in');
  });
});

describe('the error handler', () => {
  it('answers an unexpected error with 500 and an error id that is logged, never a stack', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => void lines.push(line) });
    const routes = [
      publicRoute({ method: 'get', path: '/api/boom', summary: 'boom', tags: [], handler: async () => { throw new TypeError('secret internals at /srv/app.ts:42'); } }),
      publicRoute({ method: 'get', path: '/api/busy', summary: 'busy', tags: [], handler: async () => { throw new AppError('CONFLICT', { params: { detail: '已被他人处理' } }); } }),
      publicRoute({ method: 'post', path: '/api/echo', summary: 'echo', tags: [], body: z.object({ n: z.number().int().min(1) }), handler: async ({ body }) => body }),
    ];
    const app = createHttpApp({ logger, routes, authenticate: async () => { throw new AppError('UNAUTHENTICATED'); } });
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const api = apiClient(`http://127.0.0.1:${(server.address() as any).port}`);
      const boom = await api.get('/api/boom');
      expect(boom.status).to.equal(500);
      expect(boom.body.error.code).to.equal('INTERNAL');
      expect(boom.body.error.errorId).to.match(/^[0-9a-f-]{36}$/);
      expect(boom.body.error.message).to.include(boom.body.error.errorId);
      expect(JSON.stringify(boom.body)).not.to.include('secret internals');
      expect(lines.join('')).to.include(boom.body.error.errorId);
      const busy = await api.get('/api/busy');
      expect(busy.status).to.equal(409);
      expect(busy.body.error.message).to.equal('操作冲突：已被他人处理');
      const bad = await api.request('POST', '/api/echo', { body: { n: 0 }, headers: { 'accept-language': 'en' } });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.field).to.equal('n');
      expect(bad.body.error.message).to.match(/^The request is invalid: field n: /);
    } finally {
      server.close();
    }
  });
});
