import { sql } from "kysely";
import { json } from "../lib/web/http_error.ts";
import type { Handlers } from "../lib/web/route.ts";

const ANSWER_WITHIN_MS = 2_000;

export const handler: Handlers = {
  async GET({ services }) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        sql`select 1`.execute(services.db),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error("timeout")), ANSWER_WITHIN_MS);
        }),
      ]);
      return json({ status: "ok" });
    } catch {
      return json({ status: "unavailable", message: "The database does not answer." }, 503);
    } finally {
      clearTimeout(timer);
    }
  },
};
