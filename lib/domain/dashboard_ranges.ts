import { bucketMs, MAX_SERIES_POINTS } from "./app_input.ts";

export type Bucket = "minute" | "hour" | "day";

/** The time ranges the dashboard's pickers offer, ending now. */
export const RANGES = {
  "1h": { label: "Last hour", ms: 3_600_000, bucket: "minute" },
  "24h": { label: "Last 24 hours", ms: 86_400_000, bucket: "hour" },
  "7d": { label: "Last 7 days", ms: 7 * 86_400_000, bucket: "hour" },
  "30d": { label: "Last 30 days", ms: 30 * 86_400_000, bucket: "day" },
  "90d": { label: "Last 90 days", ms: 90 * 86_400_000, bucket: "day" },
  "365d": { label: "Last 365 days", ms: 365 * 86_400_000, bucket: "day" },
} as const satisfies Record<string, { label: string; ms: number; bucket: Bucket }>;

export type RangeKey = keyof typeof RANGES;

export const BUCKETS: Record<Bucket, string> = { minute: "Minute", hour: "Hour", day: "Day" };

export interface ChartWindow {
  range: RangeKey;
  bucket: Bucket;
  from: Date;
  to: Date;
  /** Why the bucket differs from the one asked for, if it does. */
  note?: string;
}

const isRange = (value: unknown): value is RangeKey =>
  typeof value === "string" && Object.hasOwn(RANGES, value);
const isBucket = (value: unknown): value is Bucket =>
  value === "minute" || value === "hour" || value === "day";

/**
 * The window a chart shows for the picker's `range` and `bucket` (anything unknown falls
 * back to the defaults); a bucket too fine for the range is coarsened to keep the series
 * within the API's point limit.
 */
export function chartWindow(
  range: string | null | undefined,
  bucket: string | null | undefined,
  now: Date,
): ChartWindow {
  const key: RangeKey = isRange(range) ? range : "24h";
  const spec = RANGES[key];
  let chosen: Bucket = isBucket(bucket) ? bucket : spec.bucket;
  let note: string | undefined;
  const order: Bucket[] = ["minute", "hour", "day"];
  while (spec.ms / bucketMs[chosen] > MAX_SERIES_POINTS) {
    const coarser = order[order.indexOf(chosen) + 1];
    note = `${BUCKETS[chosen]} buckets are too fine for ${spec.label.toLowerCase()}; ` +
      `showing ${coarser} buckets.`;
    chosen = coarser;
  }
  return { range: key, bucket: chosen, from: new Date(now.getTime() - spec.ms), to: now, note };
}
