import { CsrfField } from "../../../../../components/CsrfField.tsx";
import { MonitorFields, TimezoneList } from "../../../../../components/MonitorFields.tsx";
import MonitorBoard from "../../../../../islands/MonitorBoard.tsx";
import { newMonitorBody } from "../../../../../lib/domain/monitor_input.ts";
import type { App } from "../../../../../lib/store/apps.ts";
import { insertMonitor, listMonitors } from "../../../../../lib/store/monitors.ts";
import { appFromParams } from "../../../../../lib/web/admin.ts";
import {
  type BoardRow,
  boardRow,
  emptyMonitorForm,
  monitorBodyOf,
  type MonitorForm,
  type MonitorFormErrors,
  monitorFormErrors,
  readMonitorForm,
  sortBoard,
} from "../../../../../lib/web/monitor_board.ts";
import { newMonitorOf } from "../../../../../lib/web/monitor_edits.ts";
import type { Handlers, PageProps, RouteContext } from "../../../../../lib/web/route.ts";
import { readForm, redirect } from "../../../../../lib/web/session.ts";

interface Data {
  app: App;
  monitors: BoardRow[];
  form: MonitorForm;
  errors: MonitorFormErrors;
}

async function render(
  ctx: RouteContext,
  app: App,
  extra: Partial<Data> = {},
  status = 200,
) {
  const now = ctx.services.now();
  const monitors = await listMonitors(ctx.services.db, app.id);
  const data: Data = {
    app,
    monitors: sortBoard(monitors.map((m) => boardRow(m, now))),
    form: emptyMonitorForm(app.timezone),
    errors: {},
    ...extra,
  };
  return ctx.render(data, { status, title: `Monitors · ${app.name}` });
}

export const handler: Handlers = {
  async GET(ctx) {
    return render(ctx, await appFromParams(ctx));
  },
  async POST(ctx) {
    const app = await appFromParams(ctx);
    const form = readMonitorForm(await readForm(ctx), app.timezone);
    const parsed = newMonitorBody.safeParse(monitorBodyOf(form));
    if (!parsed.success) {
      return render(ctx, app, { form, errors: monitorFormErrors(parsed.error) }, 422);
    }
    const body = parsed.data;
    const monitor = await insertMonitor(
      ctx.services.db,
      newMonitorOf(body, app),
      ctx.services.now(),
    );
    if (!monitor) {
      return render(ctx, app, {
        form,
        errors: { name: "This app already has a monitor of that name." },
      }, 409);
    }
    ctx.services.monitorLoop.wake(monitor.nextCheckAt);
    return redirect(`/apps/${encodeURIComponent(app.id)}/monitors/${monitor.id}?done=created`);
  },
};

export default function MonitorsPage({ data, state }: PageProps<Data>) {
  const { app, monitors, form, errors } = data;
  const base = `/apps/${encodeURIComponent(app.id)}`;
  return (
    <>
      <div class="page-head">
        <div>
          <p class="eyebrow">
            <a href="/">Overview</a> / <a href={base}>{app.name}</a> / Monitors
          </p>
          <h1>Monitors of {app.name}</h1>
          <p class="muted">
            Jobs that ping Hartslag on a schedule. Times in <strong>{app.timezone}</strong>.
          </p>
        </div>
        <div class="actions">
          <a class="button quiet" href={`/settings/apps/${encodeURIComponent(app.id)}`}>
            Beacons and alerts
          </a>
        </div>
      </div>

      <section aria-labelledby="board-heading">
        <h2 id="board-heading">Board</h2>
        <MonitorBoard appId={app.id} timezone={app.timezone} monitors={monitors} />
      </section>

      <section aria-labelledby="new-monitor-heading" class="panel" id="new-monitor">
        <h2 id="new-monitor-heading">Create a monitor</h2>
        <form method="post" action={`${base}/monitors#new-monitor`} class="stack narrow-form">
          <CsrfField state={state} />
          <MonitorFields form={form} errors={errors} id="new" />
          <TimezoneList />
          <div>
            <button type="submit" class="button primary">Create monitor</button>
          </div>
        </form>
      </section>
    </>
  );
}
