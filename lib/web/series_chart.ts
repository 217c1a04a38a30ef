import { formatDateTime, formatInteger } from "../domain/format.ts";
import type { SeriesPoint } from "../store/events.ts";

/** The EventChart island's props for a series (numbers for plotting, a summary sentence). */
export function chartProps(
  event: string,
  bucket: "minute" | "hour" | "day",
  timezone: string,
  points: SeriesPoint[],
  rangeLabel: string,
) {
  let total = 0n;
  let peak: SeriesPoint | undefined;
  for (const point of points) {
    total += BigInt(point.count);
    if (!peak || BigInt(point.count) > BigInt(peak.count)) peak = point;
  }
  const summary = total === 0n
    ? `No ${event} events in the ${rangeLabel.toLowerCase()}.`
    : `${formatInteger(total)} ${event} events in the ${rangeLabel.toLowerCase()}; ` +
      `busiest ${bucket}: ${formatInteger(peak!.count)} at ${
        formatDateTime(peak!.t, timezone)
      } (${timezone}).`;
  return {
    event,
    bucket,
    timezone,
    t: points.map((p) => Math.floor(p.t.getTime() / 1000)),
    counts: points.map((p) => Number(p.count)),
    weights: points.map((p) => Number(p.weight)),
    summary,
  };
}
