import EventChart from "../../../../islands/EventChart.tsx";
import LiveCounters, { type CounterRow } from "../../../../islands/LiveCounters.tsx";
import {
  BUCKETS,
  type ChartWindow,
  chartWindow,
  RANGES,
} from "../../../../lib/domain/dashboard_ranges.ts";
import type { App } from "../../../../lib/store/apps.ts";
import { eventSeries, summariseEvents } from "../../../../lib/store/events.ts";
import { appFromParams } from "../../../../lib/web/admin.ts";
import type { Handlers, PageProps } from "../../../../lib/web/route.ts";
import { chartProps } from "../../../../lib/web/series_chart.ts";

interface Data {
  app: App;
  events: CounterRow[];
  selected?: string;
  window: ChartWindow;
  chart?: ReturnType<typeof chartProps>;
}

function windowQuery(window: ChartWindow): string {
  return `&range=${window.range}&bucket=${window.bucket}`;
}

export const handler: Handlers = {
  async GET(ctx) {
    const app = await appFromParams(ctx);
    const { db } = ctx.services;
    const now = ctx.services.now();
    const window = chartWindow(
      ctx.url.searchParams.get("range"),
      ctx.url.searchParams.get("bucket"),
      now,
    );
    const events = await summariseEvents(db, app.id, app.timezone, now);
    const asked = ctx.url.searchParams.get("event");
    // The chart shows the event asked for, else today's busiest, else the first.
    const selected = events.find((e) => e.event === asked)?.event ??
      [...events].sort((a, b) => Number(BigInt(b.today.count) - BigInt(a.today.count)))[0]
        ?.event;
    const chart = selected === undefined ? undefined : chartProps(
      selected,
      window.bucket,
      app.timezone,
      await eventSeries(db, app.id, selected, app.timezone, window.bucket, window.from, window.to),
      RANGES[window.range].label,
    );
    return ctx.render({ app, events, selected, window, chart } satisfies Data, { title: app.name });
  },
};

export default function AppPage({ data }: PageProps<Data>) {
  const { app, events, selected, window, chart } = data;
  const base = `/apps/${encodeURIComponent(app.id)}`;
  const filter = new URLSearchParams();
  if (selected !== undefined) filter.set("event", selected);
  filter.set("from", window.from.toISOString());
  filter.set("to", window.to.toISOString());
  const usersQuery = new URLSearchParams({ event: selected ?? "", range: window.range });
  return (
    <>
      <div class="page-head">
        <div>
          <p class="eyebrow">
            <a href="/">Overview</a> / App
          </p>
          <h1>{app.name}</h1>
          <p class="muted">
            Times and days in <strong>{app.timezone}</strong> · id <code>{app.id}</code>
          </p>
        </div>
        <div class="actions">
          <a class="button" href={`${base}/export.csv`} download>Export all (CSV)</a>
          <a class="button" href={`${base}/monitors`}>Monitors</a>
          <a class="button quiet" href={`/settings/apps/${encodeURIComponent(app.id)}`}>
            Beacons and alerts
          </a>
          <a class="button quiet" href={`/settings/apps/${encodeURIComponent(app.id)}/token`}>
            Token
          </a>
        </div>
      </div>

      <section aria-labelledby="events-heading">
        <h2 id="events-heading">Events</h2>
        <LiveCounters
          appId={app.id}
          events={events}
          selected={selected}
          query={windowQuery(window)}
        />
      </section>

      {/* Monitors and beacons of this app are added here when they land. */}

      {selected !== undefined && chart && (
        <section id="chart" aria-labelledby="chart-heading" class="panel">
          <div class="section-head">
            <h2 id="chart-heading">
              Over time: <span class="event-name">{selected}</span>
            </h2>
          </div>
          <form method="get" action={base} class="pickers" aria-label="Chart settings">
            <label class="field inline">
              <span>Event</span>
              <select name="event">
                {events.map((e) => (
                  <option key={e.event} value={e.event} selected={e.event === selected}>
                    {e.event}
                  </option>
                ))}
              </select>
            </label>
            <label class="field inline">
              <span>Range</span>
              <select name="range">
                {Object.entries(RANGES).map(([key, spec]) => (
                  <option key={key} value={key} selected={key === window.range}>
                    {spec.label}
                  </option>
                ))}
              </select>
            </label>
            <label class="field inline">
              <span>Bucket</span>
              <select name="bucket">
                {Object.entries(BUCKETS).map(([key, label]) => (
                  <option key={key} value={key} selected={key === window.bucket}>{label}</option>
                ))}
              </select>
            </label>
            <button type="submit" class="button">Show</button>
          </form>
          {window.note && <p class="notice">{window.note}</p>}
          <EventChart {...chart} />
          <p class="links">
            <a href={`${base}/export.csv?${filter}`} download>
              Download these events (CSV)
            </a>
            <a href={`${base}/users?${usersQuery}`}>Top users for this event</a>
          </p>
        </section>
      )}
    </>
  );
}
