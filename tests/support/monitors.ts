import { client } from "./server.ts";

/** Management and ping helpers for monitors on a running server. */
export function monitorClient(server: { url: string; adminToken: string }) {
  const api = client(server);
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await api.admin(path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return {
    ...api,
    send,
    async createMonitor(appId: string, body: Record<string, unknown>) {
      const res = await send("POST", `/api/v1/apps/${appId}/monitors`, body);
      if (res.status !== 201) {
        throw new Error(`create monitor: ${res.status} ${JSON.stringify(res.body)}`);
      }
      return res.body as { id: string; ping_url: string; [key: string]: unknown };
    },
    async createChannel(appId: string, body: Record<string, unknown>) {
      const res = await send("POST", `/api/v1/apps/${appId}/channels`, body);
      if (res.status !== 201) {
        throw new Error(`create channel: ${res.status} ${JSON.stringify(res.body)}`);
      }
      return res.body as { id: string; secret?: string; [key: string]: unknown };
    },
    async ping(monitorId: string, action = "", init: RequestInit = { method: "POST" }) {
      const res = await fetch(
        `${server.url}/api/v1/hb/${monitorId}${action ? `/${action}` : ""}`,
        init,
      );
      return { status: res.status, text: await res.text() };
    },
    async monitor(id: string) {
      return await api.adminJson(`/api/v1/monitors/${id}`);
    },
    async flips(
      id: string,
    ): Promise<{ from: string; to: string; alert: string | null; reason: string; at: string }[]> {
      return (await api.adminJson(`/api/v1/monitors/${id}/flips`)).flips.reverse();
    },
    async incidents(id: string) {
      return (await api.adminJson(`/api/v1/monitors/${id}/incidents`)).incidents.reverse();
    },
    async deliveries(id: string) {
      return (await api.adminJson(`/api/v1/monitors/${id}/deliveries`)).deliveries.reverse();
    },
  };
}
