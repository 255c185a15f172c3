import { expect } from 'chai';
import ExcelJS from 'exceljs';
import YAML from 'yaml';
import { readSampleContent } from '../../server/src/modules/knowledge/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { departmentWithCode, person, type Person } from './support.ts';

/** Downloads an export as text or (xlsx) base64. */
async function download(platform: TestPlatform, token: string, format: string, extra = ''): Promise<{ text: string; base64: string; type: string; disposition: string }> {
  const res = await fetch(`${platform.url}/api/knowledge/export?format=${format}${extra}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).to.equal(200);
  const buffer = Buffer.from(await res.arrayBuffer());
  return { text: buffer.toString('utf8'), base64: buffer.toString('base64'), type: res.headers.get('content-type') ?? '', disposition: res.headers.get('content-disposition') ?? '' };
}

describe('knowledge base: import and export (JSON lines, YAML, xlsx)', function () {
  this.timeout(60_000);
  let platform: TestPlatform;
  let supervisor: Person;
  let clerk: Person;
  const importAs = (who: Person, body: unknown) => platform.api.request('POST', '/api/knowledge/import', { body, token: who.token });

  before(async () => {
    platform = await startTestPlatform();
    supervisor = await person(platform, 'supervisor');
    clerk = await person(platform, 'department_staff', (await departmentWithCode(platform, 'ranqi')).id);
  });
  after(async () => {
    await platform?.stop();
  });

  it('exports JSON lines identical in content to the sample files, and re-importing changes nothing', async () => {
    const file = await download(platform, supervisor.token, 'jsonl');
    expect(file.type).to.include('ndjson');
    expect(file.disposition).to.match(/attachment; filename="?knowledge-\d{4}-\d{2}-\d{2}\.jsonl/);
    const exported = file.text.trim().split('\n').map((l) => JSON.parse(l));
    const sample = readSampleContent();
    expect(exported.length).to.equal(sample.length);
    const byId = new Map(exported.map((e) => [e.id, e]));
    for (const s of sample) {
      const e = byId.get(s.id);
      expect(e, s.id).to.include({ question: s.question, answer: s.answer, department: s.department, reviewDueOn: s.reviewDueOn, state: 'published' });
      expect(e.alternates).to.deep.equal(s.alternates);
      expect(e.keywords).to.deep.equal(s.keywords);
    }
    const again = await importAs(supervisor, { format: 'jsonl', content: file.text, as: 'published' });
    expect(again.body).to.deep.equal({ created: 0, updated: 0, unchanged: sample.length, errors: [] });
  });

  it('round-trips YAML: a changed answer becomes a new version, a new entry a draft, bad records are reported by number', async () => {
    const file = await download(platform, supervisor.token, 'yaml', '&departmentCode=ranqi');
    const records = YAML.parse(file.text) as any[];
    expect(records.length).to.be.greaterThan(3);
    expect(records.every((r) => r.department === 'ranqi')).to.equal(true);
    records[0].answer = '（YAML 修改）' + records[0].answer;
    records.push({ id: 'ranqi-new-1', question: '燃气表不走字怎么办？', answer: '请联系燃气公司上门检查。（测试内容）', keywords: ['燃气表'] });
    records.push({ id: 'bad id with spaces', question: '', answer: 'x' });
    const result = await importAs(clerk, { format: 'yaml', content: YAML.stringify(records) });
    expect(result.status, JSON.stringify(result.body)).to.equal(200);
    expect(result.body).to.include({ created: 1, updated: 1, unchanged: records.length - 3 });
    expect(result.body.errors).to.have.length(1);
    expect(result.body.errors[0].line).to.equal(records.length);

    const changed = await platform.api.get(`/api/knowledge/entries?q=${encodeURIComponent(records[0].id)}`, clerk.token);
    expect(changed.body.items[0]).to.include({ state: 'draft', version: 2, liveVersion: 1 });
    const created = await platform.api.get('/api/knowledge/entries?q=ranqi-new-1', clerk.token);
    expect(created.body.items[0]).to.include({ state: 'draft', departmentCode: 'ranqi', version: 1, liveVersion: null, isSample: false });

    // Re-exporting shows the edit; re-importing that export is a no-op.
    const again = await download(platform, clerk.token, 'yaml');
    expect(YAML.parse(again.text).find((r: any) => r.id === records[0].id).answer).to.match(/^（YAML 修改）/);
    expect((await importAs(clerk, { format: 'yaml', content: again.text })).body).to.include({ created: 0, updated: 0 });
    // A clerk may not import another department's entries, nor publish.
    const foreign = await importAs(clerk, { format: 'jsonl', content: JSON.stringify({ id: 'gongjijin-001', question: 'x?', answer: 'y', department: 'gongjijin' }) });
    expect(foreign.body.errors[0].message).to.include('本部门');
    expect((await importAs(clerk, { format: 'yaml', content: again.text, as: 'published' })).status).to.equal(403);
    const audit = await platform.ctx.db.selectFrom('audit_log').select('action').where('action', 'like', 'knowledge.%import%').execute();
    expect(audit.filter((a) => a.action === 'knowledge.entry_imported')).to.have.length(2);
  });

  it('round-trips xlsx: an export edited in a spreadsheet imports back, published by a reviewer, and the bot answers from it', async () => {
    const file = await download(platform, supervisor.token, 'xlsx', '&departmentCode=gongdian');
    expect(file.type).to.include('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(file.base64, 'base64') as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(String(sheet.getRow(1).getCell(1).value)).to.include('id');
    const rows = sheet.rowCount - 1;
    expect(rows).to.equal(readSampleContent().filter((r) => r.department === 'gongdian').length);

    // Unchanged, it is a no-op; alternates (one per line) and keywords survive the trip.
    expect((await importAs(supervisor, { format: 'xlsx', content: file.base64, as: 'published' })).body).to.include({ created: 0, updated: 0, unchanged: rows });

    sheet.addRow(['gongdian-xlsx-1', '电动车充电被收高价怎么办？', '可向供电公司或市场监管部门反映。（测试内容）', '小区充电桩收费太贵\n充电价格不合理', '充电收费, 充电桩', 'gongdian', '供电', '2027-01-01', '']);
    const edited = Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
    const result = await importAs(supervisor, { format: 'xlsx', content: edited, as: 'published' });
    expect(result.body).to.include({ created: 1, updated: 0 });
    const entry = await platform.api.get('/api/knowledge/entries?q=gongdian-xlsx-1', supervisor.token);
    expect(entry.body.items[0]).to.deep.include({ state: 'published', alternates: ['小区充电桩收费太贵', '充电价格不合理'], keywords: ['充电收费', '充电桩'], reviewDueOn: '2027-01-01' });
    const search = await platform.api.get(`/api/knowledge/search?q=${encodeURIComponent('小区充电桩收费太贵')}`, supervisor.token);
    expect(search.body.items[0].code).to.equal('gongdian-xlsx-1');
  });

  it('reports a file that is not what it claims instead of failing', async () => {
    const notXlsx = await importAs(supervisor, { format: 'xlsx', content: Buffer.from('hello').toString('base64') });
    expect(notXlsx.status).to.equal(200);
    expect(notXlsx.body.errors[0].message).to.include('xlsx');
    const notJson = await importAs(supervisor, { format: 'jsonl', content: '{"id": "a"\nnot json' });
    expect(notJson.body.errors.map((e: any) => e.line)).to.deep.equal([1, 2]);
    const notYaml = await importAs(supervisor, { format: 'yaml', content: 'a: [1, 2' });
    expect(notYaml.body.errors[0].message).to.include('YAML');
  });
});
