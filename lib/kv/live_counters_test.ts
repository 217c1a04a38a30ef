import { deepStrictEqual as equal } from "node:assert/strict";
import { LiveCounters, liveKeys } from "./live_counters.ts";

async function total(kv: Deno.Kv, appId: string): Promise<bigint | undefined> {
  return (await kv.get<Deno.KvU64>(liveKeys.appTotal(appId))).value?.value;
}

Deno.test("app totals reach KV at their own pace; per-event counts wait for theirs", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const live = new LiveCounters(kv, undefined, { totalsMs: 5, eventsMs: 60_000 });
    live.add("a1", "signup");
    live.add("a1", "login", 2);
    live.add("a2", "signup");
    const deadline = Date.now() + 5_000;
    while (await total(kv, "a1") === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    equal(await total(kv, "a1"), 3n);
    equal(await total(kv, "a2"), 1n);
    equal(await live.read("a1"), new Map(), "per-event counts are not due yet");

    live.add("a1", "signup");
    await live.flush();
    equal(await total(kv, "a1"), 4n);
    equal(await live.read("a1"), new Map([["login", 2n], ["signup", 2n]]));
    equal(await live.read("a2"), new Map([["signup", 1n]]));
  } finally {
    kv.close();
  }
});

Deno.test("with many event names, per-event counts are written less often", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const live = new LiveCounters(kv, undefined, {
      totalsMs: 5,
      eventsMs: 5,
      eventKeysPerSecond: 10,
      maxEventsMs: 60_000,
    });
    for (let i = 0; i < 50; i++) live.add("a1", `e${i}`);
    const deadline = Date.now() + 5_000;
    while ((await live.read("a1")).size < 50 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    equal((await live.read("a1")).size, 50, "the first per-event flush is not held back");

    // 50 keys at 10 a second: the next per-event flush waits 5 s; totals keep their pace.
    live.add("a1", "late");
    while (await total(kv, "a1") !== 51n && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    equal(await total(kv, "a1"), 51n);
    equal((await live.read("a1")).has("late"), false);
    await live.flush();
    equal((await live.read("a1")).get("late"), 1n);
  } finally {
    kv.close();
  }
});
