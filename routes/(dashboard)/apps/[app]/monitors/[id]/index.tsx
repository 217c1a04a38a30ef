import { CsrfField } from "../../../../../../components/CsrfField.tsx";
import { MonitorFields, TimezoneList } from "../../../../../../components/MonitorFields.tsx";
import { StatusBadge } from "../../../../../../components/StatusBadge.tsx";
import RunChart from "../../../../../../islands/RunChart.tsx";
import { formatDateTime } from "../../../../../../lib/domain/format.ts";
import { monitorEditBody } from "../../../../../../lib/domain/monitor_input.ts";
import type { App } from "../../../../../../lib/store/apps.ts";
import { listChannels } from "../../../../../../lib/store/channels.ts";
import { type DeliveryView, listDeliveries } from "../../../../../../lib/store/deliveries.ts";
import {
  listIncidents,
  listPings,
  listRunsByName,
} from "../../../../../../lib/store/monitor_logs.ts";
import { editMonitor, findMonitor, type Monitor } from "../../../../../../lib/store/monitors.ts";
import { appFromParams } from "../../../../../../lib/web/admin.ts";
import { HttpError } from "../../../../../../lib/web/http_error.ts";
import {
  type BoardRow,
  boardRow,
  describeSeconds,
  monitorBodyOf,
  type MonitorForm,
  type MonitorFormErrors,
  monitorFormErrors,
  monitorFormOf,
  readMonitorForm,
} from "../../../../../../lib/web/monitor_board.ts";
import { editOf } from "../../../../../../lib/web/monitor_edits.ts";
import { pingUrl } from "../../../../../../lib/web/monitors.ts";
import type { Handlers, PageProps, RouteContext } from "../../../../../../lib/web/route.ts";
import { readForm, redirect } from "../../../../../../lib/web/session.ts";

const PINGS_SHOWN = 50;
const RUNS_SHOWN = 200;
const INCIDENTS_SHOWN = 20;
const DELIVERIES_SHOWN = 20;

type Ping = Awaited<ReturnType<typeof listPings>>[number];
type Run = Awaited<ReturnType<typeof listRunsByName>>[number];
type Incident = Awaited<ReturnType<typeof listIncidents>>[number];

interface Data {
  app: App;
  monitor: Monitor;
  row: BoardRow;
  pingUrl: string;
  pings: Ping[];
  runs: Run[];
  incidents: Incident[];
  deliveries: DeliveryView[];
  channelNames: Record<string, string>;
  form: MonitorForm;
  errors: MonitorFormErrors;
  notice?: string;
}

/** The monitor of the URL, which must belong to the app of the URL. */
export async function monitorOfPage(ctx: RouteContext): Promise<{ app: App; monitor: Monitor }> {
  const app = await appFromParams(ctx);
  const monitor = await findMonitor(ctx.services.db, ctx.params.id);
  if (!monitor || monitor.appId !== app.id) {
    throw new HttpError(404, { error: "not_found", message: "No such monitor in this app." });
  }
  return { app, monitor };
}

const NOTICES: Record<string, string> = {
  created: "Monitor created. Point your job at its ping URL.",
  paused: "Monitor paused: no alerts until you resume it.",
  resumed: "Monitor resumed: it is new again until its next ping.",
  saved: "Changes saved.",
};

async function render(
  ctx: RouteContext,
  app: App,
  monitor: Monitor,
  extra: Partial<Data> = {},
  status = 200,
) {
  const { db } = ctx.services;
  const [pings, runs, incidents, deliveries, channels] = await Promise.all([
    listPings(db, app.id, monitor.id, PINGS_SHOWN),
    listRunsByName(db, app.id, monitor.name, RUNS_SHOWN),
    listIncidents(db, app.id, monitor.id, INCIDENTS_SHOWN),
    listDeliveries(db, app.id, monitor.id, DELIVERIES_SHOWN),
    listChannels(db, app.id),
  ]);
  const shown = ctx.url.searchParams.get("done") ?? "";
  const data: Data = {
    app,
    monitor,
    row: boardRow(monitor, ctx.services.now()),
    pingUrl: pingUrl(ctx, monitor.id),
    pings,
    runs,
    incidents,
    deliveries,
    channelNames: Object.fromEntries(channels.map((c) => [c.id, channelLabel(c)])),
    form: monitorFormOf(monitor),
    errors: {},
    notice: NOTICES[shown],
    ...extra,
  };
  return ctx.render(data, { status, title: `${monitor.name} · ${app.name}` });
}

function channelLabel(c: { kind: string; config: Record<string, unknown> }): string {
  const target = c.config.url ?? c.config.to ?? c.config.webhook_url;
  return typeof target === "string" && c.kind !== "slack" ? `${c.kind}: ${target}` : c.kind;
}

export const handler: Handlers = {
  async GET(ctx) {
    const { app, monitor } = await monitorOfPage(ctx);
    return render(ctx, app, monitor);
  },
  /** Saves the edit form: name, schedule and grace. */
  async POST(ctx) {
    const { app, monitor } = await monitorOfPage(ctx);
    const form = readMonitorForm(await readForm(ctx), app.timezone);
    const parsed = monitorEditBody.safeParse(monitorBodyOf(form));
    if (!parsed.success) {
      return render(ctx, app, monitor, { form, errors: monitorFormErrors(parsed.error) }, 422);
    }
    let edited;
    try {
      edited = await editMonitor(
        ctx.services.db,
        monitor.id,
        editOf(monitor, parsed.data),
        ctx.services.now(),
      );
    } catch (error) {
      if ((error as { code?: string }).code !== "23505") throw error;
      return render(ctx, app, monitor, {
        form,
        errors: { name: "This app already has a monitor of that name." },
      }, 409);
    }
    if (!edited) throw new HttpError(404, { error: "not_found", message: "The monitor is gone." });
    ctx.services.monitorLoop.wake(edited.nextCheckAt);
    return redirect(`${monitorPath(app.id, monitor.id)}?done=saved`);
  },
};

export function monitorPath(appId: string, monitorId: string): string {
  return `/apps/${encodeURIComponent(appId)}/monitors/${encodeURIComponent(monitorId)}`;
}

function durationText(ms: number | string | bigint | null): string {
  if (ms === null) return "—";
  const n = Number(ms);
  if (n < 1000) return `${n} ms`;
  if (n < 60_000) return `${(n / 1000).toFixed(1)} s`;
  return `${(n / 60_000).toFixed(1)} min`;
}

export default function MonitorPage({ data, state }: PageProps<Data>) {
  const { app, monitor, row, pings, runs, incidents, deliveries, form, errors, notice } = data;
  const tz = app.timezone;
  const when = (d: Date | null) => (d ? formatDateTime(d, tz) : "—");
  const path = monitorPath(app.id, monitor.id);
  const timed = runs.filter((r) => r.duration_ms !== null && r.finished_at !== null).reverse();
  return (
    <>
      <div class="page-head">
        <div>
          <p class="eyebrow">
            <a href="/">Overview</a> /{" "}
            <a href={`/apps/${encodeURIComponent(app.id)}`}>{app.name}</a> /{" "}
            <a href={`/apps/${encodeURIComponent(app.id)}/monitors`}>Monitors</a>
          </p>
          <h1>
            {monitor.name} <StatusBadge status={row.status} />
          </h1>
          <p class="muted">
            {row.schedule}, {describeSeconds(monitor.graceS)} grace · last ping{" "}
            {when(monitor.lastPingAt)}
            {monitor.lastPingFailed ? " (failed)" : ""} · next due{" "}
            {row.dueAt ? formatDateTime(new Date(row.dueAt), tz) : "—"}
          </p>
        </div>
        <div class="actions">
          {row.status === "paused"
            ? (
              <form method="post" action={`${path}/resume`}>
                <CsrfField state={state} />
                <button type="submit" class="button primary">Resume</button>
              </form>
            )
            : (
              <form method="post" action={`${path}/pause`}>
                <CsrfField state={state} />
                <button type="submit" class="button">Pause</button>
              </form>
            )}
        </div>
      </div>

      {notice && <p class="notice" role="status">{notice}</p>}

      <section aria-labelledby="ping-url-heading" class="panel">
        <h2 id="ping-url-heading">Ping URL</h2>
        <pre><code>{`curl -fsS -m 10 --retry 3 ${data.pingUrl}`}</code></pre>
        <p class="muted">
          Add <code>/start</code> before a job to time its run, <code>/fail</code> when it fails, or
          {" "}
          <code>/&lt;exit status&gt;</code>; a POST body is kept as the log.
        </p>
      </section>

      <section aria-labelledby="pings-heading">
        <h2 id="pings-heading">Pings</h2>
        {pings.length === 0
          ? <p class="muted" data-empty="pings">No pings yet.</p>
          : (
            <div class="table-scroll" tabIndex={0} role="region" aria-label="Pings">
              <table class="list pings">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Time</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Source</th>
                    <th scope="col">Body</th>
                  </tr>
                </thead>
                <tbody>
                  {pings.map((p) => (
                    <tr key={String(p.n)} data-ping={String(p.n)}>
                      <td class="num">{String(p.n)}</td>
                      <td>{when(p.at)}</td>
                      <td>
                        <span class={`ping-kind ${p.kind}`}>{p.kind}</span>
                        {p.exit_status !== null && <span class="meta">exit {p.exit_status}</span>}
                      </td>
                      <td>
                        {p.method ?? p.source}
                        {p.remote_addr && <span class="meta">{p.remote_addr}</span>}
                        {p.user_agent && <span class="meta ua">{p.user_agent}</span>}
                      </td>
                      <td>
                        {p.body === null || p.body === ""
                          ? <span class="muted">—</span>
                          : (
                            <details class="ping-body">
                              <summary>
                                {p.body.length} characters{p.body_truncated ? " (truncated)" : ""}
                              </summary>
                              <pre><code>{p.body}</code></pre>
                            </details>
                          )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
      </section>

      <section aria-labelledby="runs-heading">
        <h2 id="runs-heading">Runs</h2>
        {runs.length === 0
          ? (
            <p class="muted">
              No runs yet: a run is timed from a <code>/start</code> ping to the next ping.
            </p>
          )
          : (
            <>
              {timed.length > 1 && (
                <RunChart
                  t={timed.map((r) => new Date(r.finished_at!).getTime() / 1000)}
                  durations={timed.map((r) => Number(r.duration_ms) / 1000)}
                  timezone={tz}
                  summary={`Durations of the last ${timed.length} finished runs, from ${
                    durationText(Math.min(...timed.map((r) => Number(r.duration_ms))))
                  } to ${durationText(Math.max(...timed.map((r) => Number(r.duration_ms))))}.`}
                />
              )}
              <div class="table-scroll" tabIndex={0} role="region" aria-label="Runs">
                <table class="list runs">
                  <thead>
                    <tr>
                      <th scope="col">Started</th>
                      <th scope="col">Finished</th>
                      <th scope="col" class="num">Duration</th>
                      <th scope="col">Outcome</th>
                    </tr>
                  </thead>
                  <tbody>
                    {runs.slice(0, PINGS_SHOWN).map((r) => (
                      <tr key={String(r.id)}>
                        <td>{when(r.started_at)}</td>
                        <td>{when(r.finished_at)}</td>
                        <td class="num">{durationText(r.duration_ms)}</td>
                        <td>{r.outcome ?? "running"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
      </section>

      <section aria-labelledby="incidents-heading">
        <h2 id="incidents-heading">Incidents</h2>
        {incidents.length === 0
          ? <p class="muted">No incidents.</p>
          : (
            <div class="table-scroll" tabIndex={0} role="region" aria-label="Incidents">
              <table class="list incidents">
                <thead>
                  <tr>
                    <th scope="col">Opened</th>
                    <th scope="col">Why</th>
                    <th scope="col">Closed</th>
                  </tr>
                </thead>
                <tbody>
                  {incidents.map((i) => (
                    <tr key={String(i.id)}>
                      <td>{when(i.opened_at)}</td>
                      <td>{i.reason}</td>
                      <td>
                        {i.closed_at
                          ? `${when(i.closed_at)}${i.close_reason ? ` (${i.close_reason})` : ""}`
                          : <strong>open</strong>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
      </section>

      <section aria-labelledby="deliveries-heading">
        <h2 id="deliveries-heading">Alert deliveries</h2>
        {deliveries.length === 0
          ? (
            <p class="muted">
              None yet. Alerts go to the app's{" "}
              <a href={`/settings/apps/${encodeURIComponent(app.id)}`}>alert channels</a>.
            </p>
          )
          : (
            <div class="table-scroll" tabIndex={0} role="region" aria-label="Alert deliveries">
              <table class="list deliveries">
                <thead>
                  <tr>
                    <th scope="col">Created</th>
                    <th scope="col">Alert</th>
                    <th scope="col">Channel</th>
                    <th scope="col">State</th>
                    <th scope="col">Last attempt</th>
                  </tr>
                </thead>
                <tbody>
                  {deliveries.map((d) => {
                    const last = d.log.at(-1);
                    return (
                      <tr key={d.id}>
                        <td>{when(d.createdAt)}</td>
                        <td>{d.kind}</td>
                        <td>{data.channelNames[d.channelId] ?? d.channelId}</td>
                        <td>
                          {d.state}
                          {d.attempts > 0 && (
                            <span class="meta">
                              {d.attempts} attempt{d.attempts === 1 ? "" : "s"}
                            </span>
                          )}
                        </td>
                        <td>
                          {last
                            ? `${last.ok ? "ok" : "failed"}${
                              last.statusCode ? ` (HTTP ${last.statusCode})` : ""
                            }${last.error ? `: ${last.error}` : ""}`
                            : "—"}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
      </section>

      <section aria-labelledby="edit-heading" class="panel" id="edit">
        <h2 id="edit-heading">Schedule and grace</h2>
        <form method="post" action={`${path}#edit`} class="stack narrow-form">
          <CsrfField state={state} />
          <MonitorFields form={form} errors={errors} id="edit" />
          <TimezoneList />
          <div>
            <button type="submit" class="button primary">Save changes</button>
          </div>
        </form>
      </section>
    </>
  );
}
