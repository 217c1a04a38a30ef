import { useEffect, useRef, useState } from "preact/hooks";
import type uPlot from "uplot";

/** Chart colours from the page's CSS custom properties, so charts follow light and dark. */
export interface ChartTheme {
  line: string;
  fill: string;
  second: string;
  axis: uPlot.Axis;
}

function cssVar(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

function themeOf(el: Element): ChartTheme {
  const ink = cssVar(el, "--chart-ink", "#475569");
  const grid = cssVar(el, "--chart-grid", "rgba(100, 116, 139, 0.2)");
  return {
    line: cssVar(el, "--chart-line", "#c2410c"),
    fill: cssVar(el, "--chart-fill", "rgba(194, 65, 12, 0.15)"),
    second: cssVar(el, "--chart-second", "#1d4ed8"),
    axis: { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
  };
}

interface Props {
  /** Builds the chart's options once uPlot has loaded (it loads only in the browser). */
  options: (UPlot: typeof uPlot, theme: ChartTheme, width: number) => uPlot.Options;
  data: uPlot.AlignedData;
  /** A sentence describing the chart, shown without JavaScript and read by screen readers. */
  summary: string;
  /** Redraw when any of these change. */
  deps: unknown[];
}

/** A uPlot chart that follows its box's width, with a caption that stands in without it. */
export function UPlotFigure({ options, data, summary, deps }: Props) {
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
      const build = () => options(UPlot, themeOf(el), Math.max(280, el.clientWidth));
      plot = new UPlot(build(), data, el);
      observer = new ResizeObserver(() => {
        const { width, height } = build();
        plot?.setSize({ width, height });
      });
      observer.observe(el);
    }).catch(() => setFailed(true));
    return () => {
      cancelled = true;
      observer?.disconnect();
      plot?.destroy();
    };
  }, deps);

  return (
    <figure class="chart">
      <div ref={box} class="chart-box" role="img" aria-label={summary} />
      <figcaption class="muted">
        {failed ? "The chart could not be drawn. " : ""}
        {summary}
      </figcaption>
    </figure>
  );
}
