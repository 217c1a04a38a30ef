import { useEffect, useRef, useState } from "preact/hooks";
import type uPlot from "uplot";

interface Props {
  event: string;
  bucket: "minute" | "hour" | "day";
  timezone: string;
  /** Bucket starts, Unix seconds. */
  t: number[];
  counts: number[];
  weights: number[];
  /** A sentence describing the series, shown without JavaScript and read by screen readers. */
  summary: string;
}

const BUCKET_SECONDS = { minute: 60, hour: 3600, day: 86400 };

function cssVar(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

/**
 * A uPlot time-series chart of one event: counts as bars, weight sums as a line on a
 * second axis (toggle it in the legend). uPlot loads only in the browser.
 */
export default function EventChart(props: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let plot: uPlot | undefined;
    let observer: ResizeObserver | undefined;
    let cancelled = false;
    import("uplot").then(({ default: UPlot }) => {
      if (cancelled) return;
      const line = cssVar(el, "--chart-line", "#c2410c");
      const fill = cssVar(el, "--chart-fill", "rgba(194, 65, 12, 0.15)");
      const second = cssVar(el, "--chart-second", "#1d4ed8");
      const ink = cssVar(el, "--chart-ink", "#475569");
      const grid = cssVar(el, "--chart-grid", "rgba(100, 116, 139, 0.2)");
      const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
      const size = () => ({
        width: Math.max(280, el.clientWidth),
        height: el.clientWidth < 600 ? 220 : 300,
      });
      plot = new UPlot(
        {
          ...size(),
          tzDate: (ts) => UPlot.tzDate(new Date(ts * 1000), props.timezone),
          cursor: { drag: { x: false, y: false } },
          scales: {
            // Each point starts its bucket: leave room for the last bucket's bar.
            x: { time: true, range: (_u, min, max) => [min, max + BUCKET_SECONDS[props.bucket]] },
            count: { auto: true },
            weight: { auto: true },
          },
          series: [
            {},
            {
              label: "Events",
              scale: "count",
              stroke: line,
              fill,
              width: 1,
              paths: UPlot.paths.bars!({ size: [0.8, 48], align: 1 }),
              points: { show: false },
            },
            {
              label: "Weight sum",
              scale: "weight",
              stroke: second,
              width: 1.5,
              show: false,
              points: { show: false },
            },
          ],
          axes: [
            axis,
            { ...axis, scale: "count", size: 56 },
            { ...axis, scale: "weight", side: 1, size: 64, grid: { show: false } },
          ],
        },
        [props.t, props.counts, props.weights],
        el,
      );
      observer = new ResizeObserver(() => plot?.setSize(size()));
      observer.observe(el);
    }).catch(() => setFailed(true));
    return () => {
      cancelled = true;
      observer?.disconnect();
      plot?.destroy();
    };
  }, [props.t, props.counts, props.weights, props.timezone]);

  return (
    <figure class="chart">
      <div ref={box} class="chart-box" role="img" aria-label={props.summary} />
      <figcaption class="muted">
        {failed ? "The chart could not be drawn. " : ""}
        {props.summary}
      </figcaption>
    </figure>
  );
}
