import { BeaconLimitFields } from "../../../../../components/BeaconLimitFields.tsx";
import { BeaconReveal } from "../../../../../components/BeaconReveal.tsx";
import { CsrfField } from "../../../../../components/CsrfField.tsx";
import CopyButton from "../../../../../islands/CopyButton.tsx";
import { channelKinds } from "../../../../../lib/alerts/mod.ts";
import { sendTestAlert, type TestSendResult } from "../../../../../lib/alerts/test_send.ts";
import { limitOf, newBeaconBody } from "../../../../../lib/domain/beacon_input.ts";
import { formatDateTime } from "../../../../../lib/domain/format.ts";
import { newId } from "../../../../../lib/domain/ids.ts";
import type { App } from "../../../../../lib/store/apps.ts";
import {
  type Beacon,
  createBeacon,
  DuplicateBeaconName,
  listBeacons,
} from "../../../../../lib/store/beacons.ts";
import { type Channel, insertChannel, listChannels } from "../../../../../lib/store/channels.ts";
import { appFromParams } from "../../../../../lib/web/admin.ts";
import {
  LIMIT_FORM_ERROR,
  limitFieldsOf,
  limitInputOf,
} from "../../../../../lib/web/beacon_forms.ts";
import { beetUrl } from "../../../../../lib/web/beacon_view.ts";
import type { Handlers, PageProps, RouteContext } from "../../../../../lib/web/route.ts";
import { readForm } from "../../../../../lib/web/session.ts";

interface ChannelRow {
  id: string;
  kind: string;
  target: string;
  createdAt: Date;
}

interface Data {
  app: App;
  beacons: Beacon[];
  channels: ChannelRow[];
  defaultLimit: { count: number; windowS: number };
  emailReady: boolean;
  beaconForm: { name: string; count: string; window: string };
  beaconError?: string;
  channelForm: { kind: string; url: string; to: string };
  channelError?: string;
  createdBeacon?: { name: string; token: string; url: string };
  createdChannel?: { kind: string; secret?: string };
  tested?: { channel: ChannelRow; result: TestSendResult };
  notice?: string;
}

/** What a page that saved something and came back here (`?done=`) has to say. */
const NOTICES: Record<string, string> = {
  limit: "Beacon limit saved: it applies from the beacon's next hit.",
};

const KINDS = ["webhook", "slack", "email"] as const;

function channelRow(channel: Channel): ChannelRow {
  const view = channelKinds[channel.kind]?.view(channel.config as never, false) ?? {};
  const target = view.url ?? view.to ?? "";
  return {
    id: channel.id,
    kind: channel.kind,
    target: Array.isArray(target) ? target.join(", ") : String(target),
    createdAt: channel.createdAt,
  };
}

async function render(ctx: RouteContext, app: App, extra: Partial<Data> = {}, status = 200) {
  const { db, config } = ctx.services;
  const [beacons, channels] = await Promise.all([
    listBeacons(db, app.id),
    listChannels(db, app.id),
  ]);
  const fallback = config.rateLimits.beacon;
  const data: Data = {
    app,
    beacons,
    channels: channels.map(channelRow),
    defaultLimit: { count: fallback.limit, windowS: Math.ceil(fallback.windowMs / 1000) },
    emailReady: Boolean(config.monitors.smtpUrl && config.monitors.smtpFrom),
    beaconForm: { name: "", count: "", window: "" },
    channelForm: { kind: "webhook", url: "", to: "" },
    notice: NOTICES[ctx.url.searchParams.get("done") ?? ""],
    ...extra,
  };
  return ctx.render(data, { status, title: `Beacons and alerts · ${app.name}` });
}

async function submitBeacon(ctx: RouteContext, app: App, form: URLSearchParams) {
  const beaconForm = { name: form.get("name") ?? "", ...limitFieldsOf(form) };
  const parsed = newBeaconBody.safeParse({
    name: beaconForm.name,
    limit: limitInputOf(beaconForm),
  });
  if (!parsed.success) {
    const limitWrong = parsed.error.issues.some((i) => i.path[0] === "limit");
    return render(ctx, app, {
      beaconForm,
      beaconError: limitWrong
        ? LIMIT_FORM_ERROR
        : "Give the beacon a name of 1 to 255 characters; it becomes the event name.",
    }, 422);
  }
  const { name, limit } = parsed.data;
  let token;
  try {
    ({ token } = await createBeacon(ctx.services.db, app.id, {
      name,
      limit: limitOf(limit) ?? null,
    }));
  } catch (error) {
    if (!(error instanceof DuplicateBeaconName)) throw error;
    return render(ctx, app, {
      beaconForm,
      beaconError: "This app already has a beacon of that name.",
    }, 409);
  }
  return render(ctx, app, { createdBeacon: { name, token, url: beetUrl(ctx, token) } }, 201);
}

async function submitChannel(ctx: RouteContext, app: App, form: URLSearchParams) {
  const channelForm = {
    kind: form.get("kind") ?? "",
    url: (form.get("url") ?? "").trim(),
    to: (form.get("to") ?? "").trim(),
  };
  const kind = channelKinds[channelForm.kind];
  if (!kind) {
    return render(ctx, app, { channelForm, channelError: "Pick webhook, Slack or email." }, 422);
  }
  if (channelForm.kind === "email" && !ctx.services.config.monitors.smtpUrl) {
    return render(ctx, app, {
      channelForm,
      channelError: "Email needs HARTSLAG_SMTP_URL and HARTSLAG_SMTP_FROM on the server.",
    }, 422);
  }
  const settings = channelForm.kind === "email" ? { to: channelForm.to } : { url: channelForm.url };
  const parsed = kind.input.safeParse(settings);
  if (!parsed.success) {
    return render(ctx, app, {
      channelForm,
      channelError: channelForm.kind === "email"
        ? "Give an email address to send alerts to."
        : "Give an http:// or https:// URL to post alerts to.",
    }, 422);
  }
  const config = parsed.data as Record<string, unknown>;
  await insertChannel(ctx.services.db, app.id, { id: newId("chn"), kind: kind.kind, config });
  const secret = typeof config.secret === "string" ? config.secret : undefined;
  return render(ctx, app, { createdChannel: { kind: kind.kind, secret } }, 201);
}

async function testChannel(ctx: RouteContext, app: App, form: URLSearchParams) {
  const channel = (await listChannels(ctx.services.db, app.id))
    .find((c) => c.id === form.get("channel"));
  if (!channel) {
    return render(ctx, app, { channelError: "That channel is gone." }, 404);
  }
  const { monitors } = ctx.services.config;
  const result = await sendTestAlert(channel, app, {
    timeoutMs: monitors.alertTimeoutMs,
    smtp: monitors.smtpUrl && monitors.smtpFrom
      ? { url: monitors.smtpUrl, from: monitors.smtpFrom }
      : undefined,
    now: ctx.services.now(),
  });
  return render(ctx, app, { tested: { channel: channelRow(channel), result } });
}

export const handler: Handlers = {
  async GET(ctx) {
    return render(ctx, await appFromParams(ctx));
  },
  async POST(ctx) {
    const app = await appFromParams(ctx);
    const form = await readForm(ctx);
    switch (form.get("intent")) {
      case "create-beacon":
        return submitBeacon(ctx, app, form);
      case "create-channel":
        return submitChannel(ctx, app, form);
      case "test-channel":
        return testChannel(ctx, app, form);
      default:
        return render(ctx, app, {}, 400);
    }
  },
};

export default function AppSettings({ data, state }: PageProps<Data>) {
  const { app, beacons, channels, beaconForm, channelForm, tested } = data;
  const settings = `/settings/apps/${encodeURIComponent(app.id)}`;
  const tz = app.timezone;
  return (
    <>
      <div class="page-head">
        <div>
          <p class="eyebrow">
            <a href="/settings">Settings</a> /{" "}
            <a href={`/apps/${encodeURIComponent(app.id)}`}>{app.name}</a>
          </p>
          <h1>Beacons and alerts of {app.name}</h1>
          <p class="muted">
            Beacons count hits from web pages; alert channels hear when a monitor goes down.
          </p>
        </div>
        <div class="actions">
          <a class="button" href={`/apps/${encodeURIComponent(app.id)}/monitors`}>Monitors</a>
          <a class="button quiet" href={`${settings}/token`}>App token</a>
        </div>
      </div>

      {data.createdBeacon && (
        <BeaconReveal
          heading={`Beacon “${data.createdBeacon.name}” created`}
          beaconName={data.createdBeacon.name}
          token={data.createdBeacon.token}
          url={data.createdBeacon.url}
        />
      )}

      {data.createdChannel && (
        <section class="panel reveal" aria-labelledby="channel-created-heading" id="created">
          <h2 id="channel-created-heading">Alert channel added ({data.createdChannel.kind})</h2>
          {data.createdChannel.secret
            ? (
              <>
                <p>
                  Requests carry{" "}
                  <code>X-Hartslag-Signature-256</code>, an HMAC-SHA256 of the body with this
                  secret. It is shown <strong>only now</strong>.
                </p>
                <div class="token-row">
                  <label class="visually-hidden" for="channel-secret">Signing secret</label>
                  <input
                    id="channel-secret"
                    class="token"
                    type="text"
                    readOnly
                    value={data.createdChannel.secret}
                    spellcheck={false}
                  />
                  <CopyButton
                    value={data.createdChannel.secret}
                    target="channel-secret"
                    label="Copy secret"
                  />
                </div>
              </>
            )
            : <p>Use “Send test alert” below to check that it arrives.</p>}
        </section>
      )}

      {tested && (
        <p
          class={tested.result.ok ? "notice" : "notice error"}
          role={tested.result.ok ? "status" : "alert"}
          id="test-result"
        >
          {tested.result.ok
            ? `Test alert sent to ${tested.channel.kind} ${tested.channel.target}${
              tested.result.statusCode ? ` (HTTP ${tested.result.statusCode})` : ""
            }.`
            : `The test alert to ${tested.channel.kind} ${tested.channel.target} failed: ${tested.result.error}`}
        </p>
      )}

      <section aria-labelledby="beacons-heading">
        <h2 id="beacons-heading">Beacons</h2>
        {data.notice && <p class="notice" role="status">{data.notice}</p>}
        {beacons.length === 0
          ? <p class="muted">No beacons yet.</p>
          : (
            <div class="table-scroll" tabIndex={0} role="region" aria-label="Beacons">
              <table class="list">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Rate limit</th>
                    <th scope="col">Created</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {beacons.map((b) => (
                    <tr key={b.id} data-beacon={b.id}>
                      <th scope="row" class="event-name">{b.name}</th>
                      <td>
                        {b.limit
                          ? `${b.limit.count} per ${b.limit.windowS} s`
                          : `default (${data.defaultLimit.count} per ${data.defaultLimit.windowS} s)`}
                      </td>
                      <td>{formatDateTime(b.createdAt, tz)}</td>
                      <td>
                        <div class="button-row">
                          <a href={`${settings}/beacons/${encodeURIComponent(b.id)}/limit`}>
                            Change limit<span class="visually-hidden">of {b.name}</span>
                          </a>
                          <a href={`${settings}/beacons/${encodeURIComponent(b.id)}/rotate`}>
                            Rotate token<span class="visually-hidden">of {b.name}</span>
                          </a>
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        <form method="post" action={`${settings}#token`} class="stack narrow-form panel">
          <h3>Create a beacon</h3>
          <CsrfField state={state} />
          <input type="hidden" name="intent" value="create-beacon" />
          {data.beaconError && <p class="notice error" role="alert">{data.beaconError}</p>}
          <label class="field">
            <span>Beacon name</span>
            <input
              type="text"
              name="name"
              required
              maxLength={255}
              value={beaconForm.name}
              aria-describedby="beacon-name-help"
            />
            <span class="help" id="beacon-name-help">
              Each hit counts as an event of this name.
            </span>
          </label>
          <BeaconLimitFields
            count={beaconForm.count}
            window={beaconForm.window}
            help={`Optional, for all of the beacon's hits together. Empty: ${data.defaultLimit.count} hits per ${data.defaultLimit.windowS} s.`}
          />
          <div>
            <button type="submit" class="button primary">Create beacon</button>
          </div>
        </form>
      </section>

      <section aria-labelledby="channels-heading">
        <h2 id="channels-heading">Alert channels</h2>
        {channels.length === 0
          ? <p class="muted">No alert channels yet: monitors go down silently.</p>
          : (
            <div class="table-scroll" tabIndex={0} role="region" aria-label="Alert channels">
              <table class="list">
                <thead>
                  <tr>
                    <th scope="col">Kind</th>
                    <th scope="col">Sends to</th>
                    <th scope="col">Created</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {channels.map((c) => (
                    <tr key={c.id} data-channel={c.id}>
                      <th scope="row">{c.kind}</th>
                      <td class="break">{c.target}</td>
                      <td>{formatDateTime(c.createdAt, tz)}</td>
                      <td>
                        <form method="post" action={`${settings}#test-result`}>
                          <CsrfField state={state} />
                          <input type="hidden" name="intent" value="test-channel" />
                          <input type="hidden" name="channel" value={c.id} />
                          <button type="submit" class="button">
                            Send test alert<span class="visually-hidden">to {c.target}</span>
                          </button>
                        </form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        <form method="post" action={`${settings}#created`} class="stack narrow-form panel">
          <h3>Add an alert channel</h3>
          <CsrfField state={state} />
          <input type="hidden" name="intent" value="create-channel" />
          {data.channelError && <p class="notice error" role="alert">{data.channelError}</p>}
          <label class="field">
            <span>Kind</span>
            <select name="kind">
              {KINDS.map((k) => (
                <option key={k} value={k} selected={channelForm.kind === k}>
                  {k === "webhook"
                    ? "Webhook (signed JSON POST)"
                    : k === "slack"
                    ? "Slack (incoming webhook)"
                    : `Email${data.emailReady ? "" : " (needs SMTP on the server)"}`}
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            <span>URL (webhook or Slack)</span>
            <input type="text" name="url" inputMode="url" value={channelForm.url} />
          </label>
          <label class="field">
            <span>Email address (email)</span>
            <input type="email" name="to" value={channelForm.to} />
          </label>
          <div>
            <button type="submit" class="button primary">Add channel</button>
          </div>
        </form>
      </section>
    </>
  );
}
