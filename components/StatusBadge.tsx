import type { MonitorStatus } from "../lib/domain/monitor_status.ts";

const LABELS: Record<MonitorStatus, string> = {
  new: "New",
  up: "Up",
  late: "Late",
  down: "Down",
  paused: "Paused",
};

/** A monitor's status as a word with a shape beside it: never colour alone. */
export function StatusBadge({ status }: { status: MonitorStatus }) {
  return (
    <span class={`badge status-${status}`} data-status={status}>
      <span class="badge-mark" aria-hidden="true" />
      {LABELS[status]}
    </span>
  );
}
