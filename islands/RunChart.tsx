import { UPlotFigure } from "../components/UPlotFigure.tsx";

interface Props {
  /** When each run finished, Unix seconds (with milliseconds), oldest first. */
  t: number[];
  /** How long each run took, seconds. */
  durations: number[];
  timezone: string;
  /** A sentence describing the runs, shown without JavaScript and read by screen readers. */
  summary: string;
}

/** A uPlot chart of a monitor's run durations. */
export default function RunChart(props: Props) {
  return (
    <UPlotFigure
      summary={props.summary}
      data={[props.t, props.durations]}
      deps={[props.t, props.durations, props.timezone]}
      options={(UPlot, { line, axis }, width) => ({
        width,
        height: 200,
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
      })}
    />
  );
}
