import { sql } from "kysely";
import { json } from "../lib/web/http_error.ts";
import type { Handlers } from "../lib/web/route.ts";

export const handler: Handlers = {
  async GET({ services }) {
    try {
      await Promise.race([
        sql`select 1`.execute(services.db),
        new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 2_000).unref?.()),
      ]);
      return json({ status: "ok" });
    } catch {
      return json({ status: "unavailable", message: "The database does not answer." }, 503);
    }
  },
};
