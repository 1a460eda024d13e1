import { useEffect, useRef, useState } from 'preact/hooks';
import { formatNumber } from '../../format';

export type ChartSeries = {
  label: string;
  /** A value per label (`null`: no point there, for markers). */
  data: (number | null)[];
  /** One colour, or one per point. */
  color?: string | string[];
  /**
   * Drawn as markers (triangles, no line) over the bars, e.g. the days with a campaign event; its
   * `notes` are what the tooltip says of each point instead of its value.
   */
  markers?: { notes: (string | null)[] };
};

export type ChartSpec = {
  type: 'bar' | 'line';
  labels: string[];
  series: ChartSeries[];
  /** Bars grow to the right (rankings with long names). */
  horizontal?: boolean;
  stacked?: boolean;
  /** @default 260 */
  height?: number;
};

export const PALETTE = ['#0a7d3b', '#2f6fde', '#b42318', '#8a5a00', '#6b46c1', '#0e7490'];

type ChartInstance = { destroy: () => void };

/**
 * A Chart.js chart. The library is fetched the first time a chart is drawn (a dynamic import), so the
 * console's first screen and the page's tables do not wait for it. The numbers are always in a table
 * beside the chart; the canvas is labelled for screen readers.
 */
export function ChartView({ spec, label }: { spec: ChartSpec; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let chart: ChartInstance | undefined;
    let cancelled = false;
    import('./chart-lib')
      .then(({ Chart }) => {
        if (cancelled || !canvas.current) return;
        chart = new Chart(canvas.current, {
          type: spec.type,
          data: {
            labels: spec.labels,
            datasets: spec.series.map((series, index) => {
              const color = series.color ?? PALETTE[index % PALETTE.length];
              return series.markers
                ? {
                    type: 'line' as const,
                    label: series.label,
                    data: series.data,
                    showLine: false,
                    pointStyle: 'triangle',
                    pointRadius: 8,
                    pointHoverRadius: 9,
                    backgroundColor: color,
                    borderColor: color,
                    order: -1,
                  }
                : {
                    label: series.label,
                    data: series.data,
                    backgroundColor: color,
                    borderColor: Array.isArray(series.color) ? PALETTE[index % PALETTE.length] : color,
                    borderWidth: spec.type === 'line' ? 2 : 0,
                    pointRadius: spec.type === 'line' ? 0 : undefined,
                    tension: 0.2,
                  };
            }),
          },
          // Marks the canvas once Chart.js has drawn on it (`data-drawn`; cleared while a resize is pending
          // a new drawing), so a screenshot or a reader of the page can wait for the chart itself rather
          // than for its canvas element.
          plugins: [
            {
              id: 'drawn',
              resize: (drawn) => drawn.canvas.removeAttribute('data-drawn'),
              afterRender: (drawn) => drawn.canvas.setAttribute('data-drawn', ''),
            },
          ],
          options: {
            animation: false,
            maintainAspectRatio: false,
            indexAxis: spec.horizontal ? 'y' : 'x',
            plugins: {
              legend: { display: spec.series.length > 1, position: 'bottom' },
              tooltip: {
                callbacks: {
                  label: (item) =>
                    `${item.dataset.label ?? ''}: ${
                      spec.series[item.datasetIndex]?.markers?.notes[item.dataIndex] ??
                      formatNumber(item.parsed[spec.horizontal ? 'x' : 'y'] ?? 0)
                    }`,
                },
              },
            },
            scales: {
              x: { stacked: spec.stacked, ticks: { autoSkip: true, maxRotation: 0 } },
              y: { stacked: spec.stacked, beginAtZero: true, ticks: { precision: 0 } },
            },
          },
        });
      })
      .catch(() => setFailed(true));
    return () => {
      cancelled = true;
      chart?.destroy();
      canvas.current?.removeAttribute('data-drawn');
    };
  }, [spec]);
  if (failed) return null;
  return (
    <div class="chart" style={{ height: `${spec.height ?? 260}px` }}>
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
