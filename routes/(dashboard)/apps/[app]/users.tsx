import { chartWindow, type RangeKey, RANGES } from "../../../../lib/domain/dashboard_ranges.ts";
import { formatInteger } from "../../../../lib/domain/format.ts";
import type { App } from "../../../../lib/store/apps.ts";
import { summariseEvents, topUsers, type UserActivity } from "../../../../lib/store/events.ts";
import { appFromParams } from "../../../../lib/web/admin.ts";
import type { Handlers, PageProps } from "../../../../lib/web/route.ts";

interface Data {
  app: App;
  events: string[];
  event?: string;
  range: RangeKey;
  from: Date;
  to: Date;
  users: UserActivity[];
}

const LIMIT = 25;

export const handler: Handlers = {
  async GET(ctx) {
    const app = await appFromParams(ctx);
    const { db } = ctx.services;
    const now = ctx.services.now();
    const window = chartWindow(ctx.url.searchParams.get("range"), null, now);
    const events = (await summariseEvents(db, app.id, app.timezone, now)).map((e) => e.event);
    const asked = ctx.url.searchParams.get("event");
    const event = events.find((e) => e === asked) ?? events[0];
    const users = event === undefined
      ? []
      : await topUsers(db, app.id, event, window.from, window.to, LIMIT);
    return ctx.render(
      { app, events, event, range: window.range, from: window.from, to: window.to, users },
      { title: `Top users · ${app.name}` },
    );
  },
};

export default function TopUsers({ data }: PageProps<Data>) {
  const { app, events, event, range, users } = data;
  const base = `/apps/${encodeURIComponent(app.id)}`;
  return (
    <>
      <div class="page-head">
        <div>
          <p class="eyebrow">
            <a href="/">Overview</a> / <a href={base}>{app.name}</a> / Top users
          </p>
          <h1>Top users</h1>
          <p class="muted">
            Users with the most events of one name (events sent with a <code>user_id</code>).
          </p>
        </div>
      </div>
      <form method="get" action={`${base}/users`} class="pickers" aria-label="Top users settings">
        <label class="field inline">
          <span>Event</span>
          <select name="event">
            {events.map((e) => <option key={e} value={e} selected={e === event}>{e}</option>)}
          </select>
        </label>
        <label class="field inline">
          <span>Range</span>
          <select name="range">
            {Object.entries(RANGES).map(([key, spec]) => (
              <option key={key} value={key} selected={key === range}>{spec.label}</option>
            ))}
          </select>
        </label>
        <button type="submit" class="button">Show</button>
      </form>
      {users.length === 0
        ? <p class="empty">No events with a user id in this range.</p>
        : (
          <div class="table-scroll" tabIndex={0} role="region" aria-label="Top users">
            <table class="counts">
              <caption class="visually-hidden">
                Top users for {event}, {RANGES[range].label.toLowerCase()}
              </caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">User id</th>
                  <th scope="col" class="num">Events</th>
                  <th scope="col" class="num">Weight sum</th>
                </tr>
              </thead>
              <tbody>
                {users.map((u, i) => (
                  <tr key={u.userId}>
                    <td>{i + 1}</td>
                    <th scope="row">
                      <code>{u.userId}</code>
                    </th>
                    <td class="num">{formatInteger(u.count)}</td>
                    <td class="num">{formatInteger(u.weight)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </>
  );
}
