import { formatInteger } from "../../lib/domain/format.ts";
import { type App, listApps } from "../../lib/store/apps.ts";
import { type EventSummary, summariseEvents } from "../../lib/store/events.ts";
import type { Handlers, PageProps } from "../../lib/web/route.ts";

interface AppOverview {
  app: App;
  todayCount: string;
  /** Today's busiest events, most first. */
  events: { event: string; count: string }[];
  eventCount: number;
}

interface Data {
  apps: AppOverview[];
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
    return ctx.render({ apps: overviews } satisfies Data, { title: "Overview" });
  },
};

export default function Overview({ data }: PageProps<Data>) {
  return (
    <>
      <div class="page-head">
        <div>
          <h1>Overview</h1>
          <p class="muted">Every app and what it sent today, in the app's own timezone.</p>
        </div>
      </div>
      {/* Monitors (status board, open incidents first) are added here when they land. */}
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
