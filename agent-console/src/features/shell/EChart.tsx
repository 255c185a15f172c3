/**
 * The console's one ECharts host (wallboard, reports): one instance per element, options replaced on change,
 * resized with its box, disposed on unmount, and clicks on a data point passed to `onPointClick` (series and
 * data index), which the reports page turns into a drill-down. Only the chart kinds the console uses are
 * registered, to keep the bundle small.
 */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, GaugeChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, GaugeChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type PointClick = { seriesIndex: number; dataIndex: number };

export function EChart({ option, height = 220, testId, onPointClick }: { option: Record<string, unknown>; height?: number; testId?: string; onPointClick?: (point: PointClick) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  // The latest handler, so a new closure every render does not rebind the chart's listener.
  const clickHandler = useRef(onPointClick);
  clickHandler.current = onPointClick;

  useEffect(() => {
    if (!host.current) return;
    const instance = echarts.init(host.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('click', (params) => {
      const p = params as { componentType?: string; seriesIndex?: number; dataIndex?: number };
      if (p.componentType === 'series' && p.seriesIndex !== undefined && p.dataIndex !== undefined) clickHandler.current?.({ seriesIndex: p.seriesIndex, dataIndex: p.dataIndex });
    });
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(host.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={host} style={{ width: '100%', height, cursor: onPointClick ? 'pointer' : undefined }} data-testid={testId} />;
}
