import { useEffect, useRef, useState } from "preact/hooks";
import type uPlot from "uplot";

interface Props {
  /** When each run finished, Unix seconds (with milliseconds), oldest first. */
  t: number[];
  /** How long each run took, seconds. */
  durations: number[];
  timezone: string;
  /** A sentence describing the runs, shown without JavaScript and read by screen readers. */
  summary: string;
}

function cssVar(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

/** A uPlot chart of a monitor's run durations; uPlot loads only in the browser. */
export default function RunChart(props: Props) {
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
      const ink = cssVar(el, "--chart-ink", "#475569");
      const grid = cssVar(el, "--chart-grid", "rgba(100, 116, 139, 0.2)");
      const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
      const size = () => ({ width: Math.max(280, el.clientWidth), height: 200 });
      plot = new UPlot(
        {
          ...size(),
          tzDate: (ts) => UPlot.tzDate(new Date(ts * 1000), props.timezone),
          cursor: { drag: { x: false, y: false } },
          scales: { s: { auto: true, range: (_u, _min, max) => [0, max * 1.1 || 1] } },
          series: [
            {},
            {
              label: "Duration (s)",
              scale: "s",
              stroke: line,
              width: 1.5,
              points: { show: true, size: 5 },
            },
          ],
          axes: [axis, { ...axis, scale: "s", size: 56 }],
        },
        [props.t, props.durations],
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
  }, [props.t, props.durations, props.timezone]);

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
