import { CsrfField } from "../../../components/CsrfField.tsx";
import { TokenReveal } from "../../../components/TokenReveal.tsx";
import { newAppBody } from "../../../lib/domain/app_input.ts";
import { formatDateTime } from "../../../lib/domain/format.ts";
import { createAppWithToken } from "../../../lib/store/app_admin.ts";
import { type App, listApps } from "../../../lib/store/apps.ts";
import { publicBaseUrl } from "../../../lib/web/base_url.ts";
import type { Handlers, PageProps, RouteContext } from "../../../lib/web/route.ts";
import { readForm } from "../../../lib/web/session.ts";

interface Data {
  apps: App[];
  timezones: string[];
  form: { name: string; timezone: string };
  errors: { name?: string; timezone?: string };
  created?: { app: App; token: string; baseUrl: string };
}

const TIMEZONES = ["UTC", ...Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC")];

async function render(ctx: RouteContext, extra: Partial<Data> = {}, status = 200) {
  const data: Data = {
    apps: await listApps(ctx.services.db),
    timezones: TIMEZONES,
    form: { name: "", timezone: "UTC" },
    errors: {},
    ...extra,
  };
  return ctx.render(data, { status, title: "Settings" });
}

export const handler: Handlers = {
  GET: (ctx) => render(ctx),
  async POST(ctx) {
    const form = await readForm(ctx);
    const input = { name: form.get("name") ?? "", timezone: form.get("timezone") || "UTC" };
    const parsed = newAppBody.safeParse(input);
    if (!parsed.success) {
      const errors: Data["errors"] = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        if (field === "name") errors.name = "Give the app a name of 1 to 100 characters.";
        if (field === "timezone") {
          errors.timezone = "Pick a timezone from the list, such as Europe/Amsterdam.";
        }
      }
      return render(ctx, { form: input, errors }, 422);
    }
    const { app, token } = await createAppWithToken(ctx.services.db, parsed.data);
    return render(ctx, { created: { app, token, baseUrl: publicBaseUrl(ctx) } }, 201);
  },
};

export default function Settings({ data, state }: PageProps<Data>) {
  const { apps, form, errors, created } = data;
  return (
    <>
      <div class="page-head">
        <div>
          <h1>Settings</h1>
          <p class="muted">Apps, their API tokens, beacons and alert channels.</p>
        </div>
      </div>

      {created && (
        <TokenReveal
          heading={`App “${created.app.name}” created`}
          token={created.token}
          appId={created.app.id}
          appName={created.app.name}
          baseUrl={created.baseUrl}
        />
      )}

      <section aria-labelledby="apps-heading">
        <h2 id="apps-heading">Apps</h2>
        {apps.length === 0
          ? <p class="muted">No apps yet: create one below.</p>
          : (
            <div class="table-scroll" tabIndex={0} role="region" aria-label="Apps">
              <table class="list">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Id</th>
                    <th scope="col">Timezone</th>
                    <th scope="col">Created</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {apps.map((app) => (
                    <tr key={app.id}>
                      <th scope="row">
                        <a href={`/apps/${encodeURIComponent(app.id)}`}>{app.name}</a>
                      </th>
                      <td>
                        <code>{app.id}</code>
                      </td>
                      <td>{app.timezone}</td>
                      <td>{formatDateTime(app.createdAt, app.timezone)}</td>
                      <td>
                        <a href={`/settings/apps/${encodeURIComponent(app.id)}`}>
                          Beacons and alerts<span class="visually-hidden">of {app.name}</span>
                        </a>{" "}
                        ·{" "}
                        <a href={`/settings/apps/${encodeURIComponent(app.id)}/token`}>
                          Rotate token<span class="visually-hidden">of {app.name}</span>
                        </a>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
      </section>

      <section aria-labelledby="new-app-heading" class="panel" id="new-app">
        <h2 id="new-app-heading">Create an app</h2>
        <form method="post" action="/settings" class="stack narrow-form" novalidate>
          <CsrfField state={state} />
          <label class="field">
            <span>Name</span>
            <input
              type="text"
              name="name"
              required
              maxLength={100}
              value={form.name}
              aria-invalid={errors.name ? "true" : undefined}
              aria-describedby={errors.name ? "name-error" : undefined}
            />
            {errors.name && <span class="field-error" id="name-error">{errors.name}</span>}
          </label>
          <label class="field">
            <span>Timezone</span>
            <input
              type="text"
              name="timezone"
              list="timezones"
              value={form.timezone}
              autocomplete="off"
              aria-invalid={errors.timezone ? "true" : undefined}
              aria-describedby={errors.timezone ? "timezone-error" : "timezone-help"}
            />
            <span class="help" id="timezone-help">
              Days, weeks and months of this app start at midnight here.
            </span>
            {errors.timezone && (
              <span class="field-error" id="timezone-error">{errors.timezone}</span>
            )}
          </label>
          <datalist id="timezones">
            {data.timezones.map((zone) => <option key={zone} value={zone} />)}
          </datalist>
          <div>
            <button type="submit" class="button primary">Create app</button>
          </div>
        </form>
      </section>
    </>
  );
}
