import { StatusBadge } from "../../components/StatusBadge.tsx";
import { formatDateTime, formatInteger } from "../../lib/domain/format.ts";
import { type App, listApps } from "../../lib/store/apps.ts";
import { type EventSummary, summariseEvents } from "../../lib/store/events.ts";
import { listMonitors } from "../../lib/store/monitors.ts";
import { type BoardRow, boardRow, sortBoard } from "../../lib/web/monitor_board.ts";
import type { Handlers, PageProps } from "../../lib/web/route.ts";

interface AppOverview {
  app: App;
  todayCount: string;
  /** Today's busiest events, most first. */
  events: { event: string; count: string }[];
  eventCount: number;
}

interface MonitorOverview extends BoardRow {
  app: App;
}

interface Data {
  apps: AppOverview[];
  /** Every monitor of every app, open incidents (down) first. */
  monitors: MonitorOverview[];
}

const SHOWN_EVENTS = 5;

function overviewOf(app: App, events: EventSummary[]): AppOverview {
  const today = events
    .filter((e) => BigInt(e.today.count) > 0n)
    .sort((a, b) => {
      const diff = BigInt(b.today.count) - BigInt(a.today.count);
      return diff === 0n ? a.event.localeCompare(b.event) : diff > 0n ? 1 : -1;
    });
  return {
    app,
    todayCount: today.reduce((sum, e) => sum + BigInt(e.today.count), 0n).toString(),
    events: today.slice(0, SHOWN_EVENTS).map((e) => ({ event: e.event, count: e.today.count })),
    eventCount: events.length,
  };
}

export const handler: Handlers = {
  async GET(ctx) {
    const { db } = ctx.services;
    const now = ctx.services.now();
    const apps = await listApps(db);
    const overviews = await Promise.all(
      apps.map(async (app) =>
        overviewOf(app, await summariseEvents(db, app.id, app.timezone, now))
      ),
    );
    const monitors = (await Promise.all(
      apps.map(async (app) =>
        (await listMonitors(db, app.id)).map((m) => ({ ...boardRow(m, now), app }))
      ),
    )).flat();
    return ctx.render(
      { apps: overviews, monitors: sortBoard(monitors) } satisfies Data,
      { title: "Overview" },
    );
  },
};

export default function Overview({ data }: PageProps<Data>) {
  return (
    <>
      <div class="page-head">
        <div>
          <h1>Overview</h1>
          <p class="muted">
            Every monitor (open incidents first), then every app and what it sent today.
          </p>
        </div>
      </div>
      <MonitorsOverview monitors={data.monitors} />
      <section aria-labelledby="apps-heading">
        <h2 id="apps-heading">Apps</h2>
        {data.apps.length === 0
          ? (
            <div class="empty">
              <p>No apps yet.</p>
              <p>
                <a class="button primary" href="/settings#new-app">Create your first app</a>
              </p>
            </div>
          )
          : (
            <ul class="cards" role="list">
              {data.apps.map(({ app, todayCount, events, eventCount }) => (
                <li key={app.id} class="card app-card">
                  <h3>
                    <a href={`/apps/${app.id}`}>{app.name}</a>
                  </h3>
                  <p class="big-number">
                    {formatInteger(todayCount)}
                    <span class="unit">events today</span>
                  </p>
                  {events.length > 0
                    ? (
                      <ul class="mini-list" aria-label={`Busiest events today in ${app.name}`}>
                        {events.map((e) => (
                          <li key={e.event}>
                            <span class="event-name">{e.event}</span>
                            <span class="num">{formatInteger(e.count)}</span>
                          </li>
                        ))}
                      </ul>
                    )
                    : (
                      <p class="muted">
                        {eventCount === 0 ? "No events received yet." : "Quiet today."}
                      </p>
                    )}
                  <p class="meta">{app.timezone}</p>
                </li>
              ))}
            </ul>
          )}
      </section>
    </>
  );
}

function MonitorsOverview({ monitors }: { monitors: MonitorOverview[] }) {
  const down = monitors.filter((m) => m.status === "down").length;
  const late = monitors.filter((m) => m.status === "late").length;
  return (
    <section aria-labelledby="monitors-heading">
      <h2 id="monitors-heading">Monitors</h2>
      {monitors.length === 0
        ? (
          <p class="muted">
            No monitors yet. Open an app's monitors to add a job that pings on a schedule.
          </p>
        )
        : (
          <>
            <p class={down > 0 ? "notice error" : late > 0 ? "notice warning" : "muted"}>
              {down > 0
                ? `${down} open incident${down === 1 ? "" : "s"}: listed first.`
                : late > 0
                ? `No open incidents; ${late} late.`
                : "No open incidents."} {monitors.length} monitor{monitors.length === 1 ? "" : "s"}
              {" "}
              in all.
            </p>
            <div class="table-scroll" tabIndex={0} role="region" aria-label="Monitor statuses">
              <table class="list monitors">
                <thead>
                  <tr>
                    <th scope="col">Monitor</th>
                    <th scope="col">Status</th>
                    <th scope="col">App</th>
                    <th scope="col">Last ping</th>
                    <th scope="col">Next due</th>
                  </tr>
                </thead>
                <tbody>
                  {monitors.map((m) => (
                    <tr key={m.id} data-monitor={m.id}>
                      <th scope="row">
                        <a
                          href={`/apps/${encodeURIComponent(m.app.id)}/monitors/${
                            encodeURIComponent(m.id)
                          }`}
                        >
                          {m.name}
                        </a>
                      </th>
                      <td data-label="Status">
                        <StatusBadge status={m.status} />
                      </td>
                      <td data-label="App">
                        <a href={`/apps/${encodeURIComponent(m.app.id)}/monitors`}>{m.app.name}</a>
                      </td>
                      <td data-label="Last ping">
                        {m.lastPingAt
                          ? formatDateTime(new Date(m.lastPingAt), m.app.timezone)
                          : "—"}
                      </td>
                      <td data-label="Next due">
                        {m.dueAt ? formatDateTime(new Date(m.dueAt), m.app.timezone) : "—"}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
    </section>
  );
}
