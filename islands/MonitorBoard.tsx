import { useEffect, useState } from "preact/hooks";
import { StatusBadge } from "../components/StatusBadge.tsx";
import { formatDateTime } from "../lib/domain/format.ts";
import type { BoardRow } from "../lib/web/monitor_board.ts";

interface Props {
  appId: string;
  timezone: string;
  monitors: BoardRow[];
}

type Status = "static" | "live" | "stale";

/** How often the board asks for fresh statuses. */
const REFRESH_MS = 2000;

const when = (iso: string | null, timezone: string) =>
  iso === null ? "—" : formatDateTime(new Date(iso), timezone);

/**
 * An app's monitors with their status badges, last ping and next due time. Rendered on the
 * server; in the browser it re-reads /apps/:app/monitors.json every two seconds, so
 * a monitor turns late or down on screen as the clock passes its deadline.
 */
export default function MonitorBoard({ appId, timezone, monitors: initial }: Props) {
  const [monitors, setMonitors] = useState(initial);
  const [status, setStatus] = useState<Status>("static");

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const url = `/apps/${encodeURIComponent(appId)}/monitors.json`;
    async function refresh() {
      try {
        const res = await fetch(url, { headers: { accept: "application/json" } });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const body = await res.json() as { monitors: BoardRow[] };
        if (stopped) return;
        setMonitors(body.monitors);
        setStatus("live");
      } catch {
        if (!stopped) setStatus("stale");
      }
      if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
    }
    timer = setTimeout(refresh, REFRESH_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [appId]);

  const base = `/apps/${encodeURIComponent(appId)}/monitors`;
  return (
    <div class="monitor-board">
      <p class={`live-status ${status === "stale" ? "reconnecting" : status}`} role="status">
        {status === "live"
          ? "Live: statuses refresh every few seconds"
          : status === "stale"
          ? "Cannot reach the server; retrying…"
          : "Statuses as of page load"}
      </p>
      {monitors.length === 0
        ? <p class="empty" data-empty="monitors">No monitors yet: create one below.</p>
        : (
          <div class="table-scroll" tabIndex={0} role="region" aria-label="Monitors">
            <table class="list monitors">
              <caption class="visually-hidden">
                Monitors with status, last ping and next due
              </caption>
              <thead>
                <tr>
                  <th scope="col">Monitor</th>
                  <th scope="col">Status</th>
                  <th scope="col">Schedule</th>
                  <th scope="col">Last ping</th>
                  <th scope="col">Next due</th>
                </tr>
              </thead>
              <tbody>
                {monitors.map((m) => (
                  <tr key={m.id} data-monitor={m.id}>
                    <th scope="row">
                      <a href={`${base}/${encodeURIComponent(m.id)}`}>{m.name}</a>
                    </th>
                    <td data-label="Status">
                      <StatusBadge status={m.status} />
                    </td>
                    <td data-label="Schedule">{m.schedule}</td>
                    <td data-label="Last ping">
                      {when(m.lastPingAt, timezone)}
                      {m.lastPingFailed && <span class="meta">(failed)</span>}
                    </td>
                    <td data-label="Next due">{when(m.dueAt, timezone)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </div>
  );
}
