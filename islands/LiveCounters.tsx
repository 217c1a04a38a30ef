import { useEffect, useState } from "preact/hooks";
import { formatInteger } from "../lib/domain/format.ts";

export interface Totals {
  count: string;
  weight: string;
}

export interface CounterRow {
  event: string;
  today: Totals;
  week: Totals;
  month: Totals;
  total: Totals;
}

interface Props {
  appId: string;
  events: CounterRow[];
  /** The event the chart below shows (highlighted). */
  selected?: string;
  /** Query string (range, bucket) kept when an event name is followed. */
  query: string;
}

type Status = "static" | "live" | "reconnecting";
const PERIODS = ["today", "week", "month", "total"] as const;
const HEADINGS = { today: "Today", week: "This week", month: "This month", total: "Total" };

function changedEvents(before: CounterRow[], after: CounterRow[]): Set<string> {
  const old = new Map(before.map((row) => [row.event, row.total.count]));
  return new Set(after.filter((row) => old.get(row.event) !== row.total.count).map((r) => r.event));
}

/**
 * The app's events with today/week/month/total counts and weight sums. Rendered on the
 * server; in the browser it follows /apps/:id/live (server-sent events) and updates in place.
 */
export default function LiveCounters({ appId, events: initial, selected, query }: Props) {
  const [events, setEvents] = useState(initial);
  const [status, setStatus] = useState<Status>("static");
  const [changed, setChanged] = useState<Set<string>>(new Set());

  useEffect(() => {
    const source = new EventSource(`/apps/${encodeURIComponent(appId)}/live`);
    let clear: ReturnType<typeof setTimeout> | undefined;
    source.addEventListener("open", () => setStatus("live"));
    source.addEventListener("error", () => setStatus("reconnecting"));
    source.addEventListener("counts", (message) => {
      const next = JSON.parse((message as MessageEvent<string>).data).events as CounterRow[];
      setEvents((previous) => {
        setChanged(changedEvents(previous, next));
        return next;
      });
      clearTimeout(clear);
      clear = setTimeout(() => setChanged(new Set()), 1600);
    });
    return () => {
      clearTimeout(clear);
      source.close();
    };
  }, [appId]);

  return (
    <div class="live-counters">
      <p class={`live-status ${status}`} role="status">
        {status === "live"
          ? "Live: counts update as events arrive"
          : status === "reconnecting"
          ? "Reconnecting…"
          : "Counts as of page load"}
      </p>
      {events.length === 0
        ? (
          <p class="empty" data-empty="events">
            No events yet. Send one with this app's token (see the Docs) and it appears here.
          </p>
        )
        : (
          <div class="table-scroll" tabIndex={0} role="region" aria-label="Event counts">
            <table class="counts periods">
              <caption class="visually-hidden">
                Events with counts and weight sums per period
              </caption>
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  {PERIODS.map((p) => <th key={p} scope="col" class="num">{HEADINGS[p]}</th>)}
                </tr>
              </thead>
              <tbody>
                {events.map((row) => (
                  <tr
                    key={row.event}
                    data-event={row.event}
                    class={[
                      changed.has(row.event) ? "bump" : "",
                      row.event === selected ? "selected" : "",
                    ].join(" ").trim() || undefined}
                  >
                    <th scope="row">
                      <a
                        class="event-name"
                        href={`?event=${encodeURIComponent(row.event)}${query}#chart`}
                        aria-current={row.event === selected ? "true" : undefined}
                      >
                        {row.event}
                      </a>
                    </th>
                    {PERIODS.map((p) => (
                      <td key={p} class="num" data-period={p} data-label={HEADINGS[p]}>
                        <span class="count">{formatInteger(row[p].count)}</span>
                        <span class="weight">
                          <span class="visually-hidden">weight sum</span>
                          <span aria-hidden="true">Σ</span> {formatInteger(row[p].weight)}
                        </span>
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </div>
  );
}
