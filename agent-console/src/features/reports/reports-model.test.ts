import { expect } from 'chai';
import {
  addDays,
  allowedGranularities,
  breakdownOption,
  customPeriod,
  defaultGranularity,
  formatValue,
  lastDay,
  monthPeriod,
  orderDefinitions,
  periodFromSearch,
  periodToSearch,
  quarterPeriod,
  rankByValue,
  topByVolume,
  trendOption,
  wrapUpChartCodes,
  wrapUpOption,
  type CutFigure,
  type Definition,
  type WrapUpReport,
} from './reports-model.ts';

const cut = (key: string | null, numerator: number, denominator: number): CutFigure => ({ key, label: key && `L-${key}`, numerator, denominator, value: denominator ? numerator / denominator : null });

describe('reports model: periods', () => {
  it('gives months, quarters and custom ranges as local dates with `to` exclusive', () => {
    expect(monthPeriod('2026-12')).to.deep.equal({ mode: 'month', from: '2026-12-01', to: '2027-01-01' });
    expect(monthPeriod('2028-02')).to.include({ from: '2028-02-01', to: '2028-03-01' });
    expect(quarterPeriod(2026, 4)).to.deep.equal({ mode: 'quarter', from: '2026-10-01', to: '2027-01-01' });
    expect(quarterPeriod(2026, 1)).to.include({ from: '2026-01-01', to: '2026-04-01' });
    expect(customPeriod('2026-02-27', '2026-03-02')).to.deep.equal({ mode: 'custom', from: '2026-02-27', to: '2026-03-03' });
    expect(lastDay(monthPeriod('2026-02'))).to.equal('2026-02-28');
    expect(addDays('2024-02-28', 1)).to.equal('2024-02-29');
  });

  it('reads the period from the URL and writes it back, falling back to the current month', () => {
    const today = '2026-11-22';
    const roundTrip = (p: ReturnType<typeof monthPeriod>) => periodFromSearch(new URLSearchParams(periodToSearch(p)), today);
    for (const p of [monthPeriod('2026-10'), quarterPeriod(2026, 3), customPeriod('2026-10-05', '2026-10-20')]) expect(roundTrip(p)).to.deep.equal(p);
    expect(periodFromSearch(new URLSearchParams(''), today)).to.deep.equal(monthPeriod('2026-11'));
    expect(periodFromSearch(new URLSearchParams('mode=custom&from=2026-10-20&to=2026-10-05'), today)).to.deep.equal(monthPeriod('2026-11'));
    expect(periodFromSearch(new URLSearchParams('mode=month&month=2026-13'), today)).to.deep.equal(monthPeriod('2026-11'));
  });

  it('picks a granularity the server accepts (at most 100 points)', () => {
    expect(defaultGranularity(monthPeriod('2026-10'))).to.equal('day');
    expect(defaultGranularity(quarterPeriod(2026, 4))).to.equal('week');
    expect(defaultGranularity(customPeriod('2026-01-01', '2026-12-31'))).to.equal('month');
    expect(allowedGranularities(quarterPeriod(2026, 4))).to.deep.equal(['day', 'week', 'month']);
    expect(allowedGranularities(customPeriod('2026-01-01', '2026-12-31'))).to.deep.equal(['week', 'month']);
  });
});

describe('reports model: figures and charts', () => {
  it('formats ratios as percentages and averages to a tenth', () => {
    expect(formatValue(0.93514, 'ratio')).to.equal('93.5%');
    expect(formatValue(1, 'ratio')).to.equal('100.0%');
    expect(formatValue(12.345, 'seconds')).to.equal('12.3');
    expect(formatValue(null, 'ratio')).to.equal(null);
  });

  it('orders the headline figures first and keeps the rest in the server’s order', () => {
    const d = (key: string) => ({ key }) as Definition;
    const ordered = orderDefinitions(['averageWait', 'satisfaction', 'reopenRate', 'serviceLevel'].map(d)).map((x) => x.key);
    expect(ordered).to.deep.equal(['serviceLevel', 'satisfaction', 'averageWait', 'reopenRate']);
  });

  it('ranks cut rows by volume (keyless last) and by value', () => {
    const rows = [cut(null, 1, 50), cut('a', 1, 10), cut('b', 9, 10), cut('c', 0, 0), cut('d', 3, 30)];
    expect(topByVolume(rows, 3).map((r) => r.key)).to.deep.equal(['d', 'a', 'b']);
    expect(topByVolume(rows, 10).at(-1)!.key).to.equal(null);
    // a and d tie at 10 %: the larger denominator first.
    expect(rankByValue(rows).map((r) => r.key)).to.deep.equal(['b', 'd', 'a', null]);
  });

  it('builds a trend with ratios on a percent axis and seconds on a second axis', () => {
    const points = (values: (number | null)[]) => values.map((value, i) => ({ start: `2026-10-0${i + 1}`, end: `2026-10-0${i + 2}`, numerator: 0, denominator: 1, value }));
    const option = trendOption(
      [
        { key: 'answerRate', unit: 'ratio', points: points([0.5, null, 0.9234]) },
        { key: 'averageWait', unit: 'seconds', points: points([12.34, 8, 0]) },
      ],
      { name: (k) => `N-${k}`, seconds: 's', axisLabel: (s) => s.slice(5) },
    ) as { xAxis: { data: string[] }; yAxis: unknown[]; series: { name: string; yAxisIndex: number; data: (number | null)[] }[] };
    expect(option.xAxis.data).to.deep.equal(['10-01', '10-02', '10-03']);
    expect(option.yAxis).to.have.length(2);
    expect(option.series[0]).to.deep.include({ name: 'N-answerRate', yAxisIndex: 0, data: [50, null, 92.3] });
    expect(option.series[1]).to.deep.include({ yAxisIndex: 1, data: [12.3, 8, 0] });
  });

  it('draws breakdown bars bottom-up so the best row is at the top', () => {
    const rows = rankByValue([cut('a', 1, 4), cut('b', 3, 4)]);
    const option = breakdownOption(rows, 'ratio', { key: (r) => r.label ?? '', name: 'x' }) as { yAxis: { data: string[] }; series: { data: number[] }[] };
    expect(option.yAxis.data).to.deep.equal(['L-a', 'L-b']);
    expect(option.series[0]!.data).to.deep.equal([25, 75]);
  });
});

describe('reports model: wrap-up codes', () => {
  const code = (c: string, calls: number) => ({ code: c, label: { 'zh-CN': `zh-${c}`, en: c }, active: true, system: false, calls, share: null, averageTalkSeconds: null });
  const report: WrapUpReport = {
    from: '2026-10-01',
    to: '2026-11-01',
    asOf: '2026-11-01',
    total: 9,
    averageTalkSeconds: 60,
    // The server's order (the admins' sort order); `praise` had no calls.
    codes: [code('resolved', 2), code('complaint', 5), code('praise', 0), code('none', 2)],
    cut: 'desk',
    groups: [
      { key: 'general', label: '综合', total: 6, calls: { complaint: 4, resolved: 1, none: 1 } },
      { key: 'dialect', label: '方言', total: 2, calls: { complaint: 1, resolved: 1 } },
      { key: 'business', label: '涉企', total: 1, calls: { none: 1 } },
    ],
  };
  const labels = { code: (c: { code: string }) => c.code, group: (g: { label: string | null }) => g.label ?? '-', calls: 'calls', others: 'others' };

  it('charts the codes with calls, most first, ties in the admins’ order', () => {
    expect(wrapUpChartCodes(report).map((c) => c.code)).to.deep.equal(['complaint', 'resolved', 'none']);
  });

  it('stacks each code’s bar by desk, folding the smallest desks into “others”', () => {
    const option = wrapUpOption(report, labels, 2) as { yAxis: { data: string[] }; series: { name: string; data: number[]; stack?: string }[] };
    // Bottom-up for ECharts: the biggest code is drawn last, at the top.
    expect(option.yAxis.data).to.deep.equal(['none', 'resolved', 'complaint']);
    expect(option.series.map((s) => s.name)).to.deep.equal(['综合', '方言', 'others']);
    expect(option.series[0]!.data).to.deep.equal([1, 1, 4]);
    expect(option.series[1]!.data).to.deep.equal([0, 1, 1]);
    expect(option.series[2]!.data).to.deep.equal([1, 0, 0]);
    expect(option.series.every((s) => s.stack === 'calls')).to.equal(true);
    const flat = wrapUpOption({ ...report, cut: null, groups: [] }, labels) as { series: { data: number[] }[] };
    expect(flat.series).to.have.length(1);
    expect(flat.series[0]!.data).to.deep.equal([2, 2, 5]);
  });
});
