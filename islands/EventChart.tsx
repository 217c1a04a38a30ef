import { UPlotFigure } from "../components/UPlotFigure.tsx";

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

/**
 * A uPlot time-series chart of one event: counts as bars, weight sums as a line on a
 * second axis (toggle it in the legend).
 */
export default function EventChart(props: Props) {
  return (
    <UPlotFigure
      summary={props.summary}
      data={[props.t, props.counts, props.weights]}
      deps={[props.t, props.counts, props.weights, props.timezone]}
      options={(UPlot, { line, fill, second, axis }, width) => ({
        width,
        height: width < 600 ? 220 : 300,
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
      })}
    />
  );
}
