import { ConfirmByName } from "../../../../../components/ConfirmByName.tsx";
import { TokenReveal } from "../../../../../components/TokenReveal.tsx";
import { rotateAppToken } from "../../../../../lib/store/app_admin.ts";
import type { App } from "../../../../../lib/store/apps.ts";
import { appFromParams } from "../../../../../lib/web/admin.ts";
import { publicBaseUrl } from "../../../../../lib/web/base_url.ts";
import { HttpError } from "../../../../../lib/web/http_error.ts";
import type { Handlers, PageProps } from "../../../../../lib/web/route.ts";
import { readForm } from "../../../../../lib/web/session.ts";

interface Data {
  app: App;
  rotated?: { token: string; baseUrl: string };
  error?: string;
}

export const handler: Handlers = {
  async GET(ctx) {
    const app = await appFromParams(ctx);
    return ctx.render({ app } satisfies Data, { title: `Rotate token · ${app.name}` });
  },
  async POST(ctx) {
    const app = await appFromParams(ctx);
    const form = await readForm(ctx);
    if (form.get("confirm") !== app.name) {
      return ctx.render(
        { app, error: "Type the app's name exactly to confirm." } satisfies Data,
        { status: 422, title: `Rotate token · ${app.name}` },
      );
    }
    const token = await rotateAppToken(ctx.services.db, app.id);
    if (!token) throw new HttpError(404, { error: "not_found", message: "That app is gone." });
    ctx.services.appTokens.forget(app.id);
    return ctx.render(
      { app, rotated: { token, baseUrl: publicBaseUrl(ctx) } } satisfies Data,
      { title: `New token · ${app.name}` },
    );
  },
};

export default function RotateToken({ data, state }: PageProps<Data>) {
  const { app, rotated, error } = data;
  const back = `/apps/${encodeURIComponent(app.id)}`;
  if (rotated) {
    return (
      <>
        <p class="eyebrow">
          <a href="/settings">Settings</a> / {app.name}
        </p>
        <TokenReveal
          heading="New token issued"
          token={rotated.token}
          appId={app.id}
          appName={app.name}
          baseUrl={rotated.baseUrl}
        />
      </>
    );
  }
  return (
    <section class="narrow">
      <p class="eyebrow">
        <a href="/settings">Settings</a> / <a href={back}>{app.name}</a>
      </p>
      <h1>Rotate the token of {app.name}</h1>
      <div class="notice warning">
        <p>
          <strong>The current token stops working at once.</strong>{" "}
          Every client that sends events for this app with it will get 401 until it has the new one.
        </p>
      </div>
      <ConfirmByName
        state={state}
        name={app.name}
        error={error}
        submitLabel="Rotate token"
        cancelHref={back}
      />
    </section>
  );
}
