import { deepStrictEqual as equal } from "node:assert/strict";
import { monitorState, type MonitorTimes } from "./monitor_status.ts";
import { cronProblem, nextExpected, type Schedule } from "./schedule.ts";

const t = (iso: string) => new Date(iso);
const minutes = (n: number) => n * 60_000;

function times(schedule: Schedule, fields: Partial<MonitorTimes> = {}): MonitorTimes {
  return {
    schedule,
    graceMs: minutes(10),
    paused: false,
    lastPingAt: null,
    lastPingFailed: false,
    lastStartAt: null,
    holdUntil: null,
    ...fields,
  };
}

const every5m: Schedule = { kind: "interval", seconds: 300 };

Deno.test("interval: new, up, late, down as the clock moves (the seed's 5 m + 2 m example)", () => {
  const base = times(every5m, { graceMs: minutes(2) });
  equal(monitorState(base, t("2024-01-01T00:00:00Z")).status, "new");
  const pinged = { ...base, lastPingAt: t("2024-01-01T00:00:00Z") };
  const at = (iso: string) => monitorState(pinged, t(iso));
  equal(at("2024-01-01T00:04:59Z"), {
    status: "up",
    dueAt: t("2024-01-01T00:05:00Z"),
    downAt: t("2024-01-01T00:07:00Z"),
    changesAt: t("2024-01-01T00:05:00Z"),
  });
  equal(at("2024-01-01T00:05:00Z").status, "late");
  equal(at("2024-01-01T00:05:00Z").changesAt, t("2024-01-01T00:07:00Z"));
  equal(at("2024-01-01T00:06:59.999Z").status, "late");
  equal(at("2024-01-01T00:07:00Z"), {
    status: "down",
    dueAt: t("2024-01-01T00:05:00Z"),
    downAt: null,
    changesAt: null,
  });
});

Deno.test("a failure is down at once and stays down; paused is paused", () => {
  const failed = times(every5m, { lastPingAt: t("2024-01-01T00:00:00Z"), lastPingFailed: true });
  equal(monitorState(failed, t("2024-01-01T00:00:01Z")).status, "down");
  equal(monitorState(failed, t("2025-01-01T00:00:00Z")).changesAt, null);
  const paused = { ...failed, paused: true };
  equal(monitorState(paused, t("2024-01-01T00:00:01Z")), {
    status: "paused",
    dueAt: null,
    downAt: null,
    changesAt: null,
  });
});

Deno.test("a started run must finish within the grace period", () => {
  const running = times(every5m, {
    lastPingAt: t("2024-01-01T00:00:00Z"),
    lastStartAt: t("2024-01-01T00:01:00Z"),
    graceMs: minutes(2),
  });
  equal(monitorState(running, t("2024-01-01T00:02:59Z")).status, "up");
  equal(monitorState(running, t("2024-01-01T00:02:59Z")).changesAt, t("2024-01-01T00:03:00Z"));
  equal(monitorState(running, t("2024-01-01T00:03:00Z")).status, "down");
  // A start on a new monitor keeps it new, but the run is still bounded.
  const first = times(every5m, { lastStartAt: t("2024-01-01T00:00:00Z") });
  equal(monitorState(first, t("2024-01-01T00:09:59Z")).status, "new");
  equal(monitorState(first, t("2024-01-01T00:10:00Z")).status, "down");
});

Deno.test("a hold after the service's own downtime postpones down, not late", () => {
  const m = times(every5m, {
    lastPingAt: t("2024-01-01T00:00:00Z"),
    graceMs: minutes(1),
    holdUntil: t("2024-01-01T01:01:00Z"),
  });
  equal(monitorState(m, t("2024-01-01T01:00:00Z")).status, "late");
  equal(monitorState(m, t("2024-01-01T01:00:00Z")).changesAt, t("2024-01-01T01:01:00Z"));
  equal(monitorState(m, t("2024-01-01T01:01:00Z")).status, "down");
});

Deno.test("cron in Europe/Amsterdam across both DST changes", () => {
  const daily = { kind: "cron", expression: "30 2 * * *", timezone: "Europe/Amsterdam" } as const;
  // 2024-03-31: 02:00 → 03:00; 02:30 does not exist and runs at the first minute after the gap.
  equal(nextExpected(daily, t("2024-03-30T12:00:00Z")), t("2024-03-31T01:00:00Z"));
  equal(nextExpected(daily, t("2024-03-31T01:00:00Z")), t("2024-04-01T00:30:00Z"));
  // 2024-10-27: 03:00 → 02:00; 02:30 happens twice and the job runs once.
  equal(nextExpected(daily, t("2024-10-26T12:00:00Z")), t("2024-10-27T00:30:00Z"));
  equal(nextExpected(daily, t("2024-10-27T00:30:00Z")), t("2024-10-28T01:30:00Z"));
  const nine = { kind: "cron", expression: "0 9 * * *", timezone: "Europe/Amsterdam" } as const;
  const m = times(nine, { lastPingAt: t("2024-03-30T08:00:00Z"), graceMs: minutes(15) });
  // Due 09:00 local on the 23-hour day = 07:00Z; down at 07:15Z.
  equal(monitorState(m, t("2024-03-31T06:59:59Z")).status, "up");
  equal(monitorState(m, t("2024-03-31T07:00:00Z")).status, "late");
  equal(monitorState(m, t("2024-03-31T07:15:00Z")).status, "down");
});

Deno.test("cron in America/New_York across both DST changes", () => {
  const nine = { kind: "cron", expression: "0 9 * * *", timezone: "America/New_York" } as const;
  // 2024-03-10 spring forward: 09:00 EDT = 13:00Z (the day before it was 14:00Z).
  equal(nextExpected(nine, t("2024-03-09T14:00:00Z")), t("2024-03-10T13:00:00Z"));
  // 2024-11-03 fall back: 09:00 EST = 14:00Z, 25 hours after the day before.
  equal(nextExpected(nine, t("2024-11-02T13:00:00Z")), t("2024-11-03T14:00:00Z"));
  const halfPastOne = {
    kind: "cron",
    expression: "30 1 * * *",
    timezone: "America/New_York",
  } as const;
  // 01:30 happens twice on 2024-11-03 (05:30Z and 06:30Z): once only.
  equal(nextExpected(halfPastOne, t("2024-11-03T04:00:00Z")), t("2024-11-03T05:30:00Z"));
  equal(nextExpected(halfPastOne, t("2024-11-03T05:30:00Z")), t("2024-11-04T06:30:00Z"));
  const hourly = { kind: "cron", expression: "0 * * * *", timezone: "America/New_York" } as const;
  const m = times(hourly, { lastPingAt: t("2024-11-03T05:00:00Z"), graceMs: minutes(5) });
  equal(monitorState(m, t("2024-11-03T05:59:00Z")).dueAt, t("2024-11-03T06:00:00Z"));
  equal(monitorState(m, t("2024-11-03T06:05:00Z")).status, "down");
});

Deno.test("cron expressions: five fields or a nickname, in a timezone", () => {
  equal(cronProblem("*/5 * * * *"), undefined);
  equal(cronProblem("@daily"), undefined);
  equal(typeof cronProblem("* * * * * *"), "string");
  equal(typeof cronProblem("61 * * * *"), "string");
  equal(typeof cronProblem("nonsense"), "string");
  // Day of month and day of week are either-or, as in Vixie cron.
  const either = { kind: "cron", expression: "0 0 13 * 5", timezone: "UTC" } as const;
  equal(nextExpected(either, t("2024-09-01T00:00:00Z")), t("2024-09-06T00:00:00Z"));
  equal(nextExpected(either, t("2024-09-12T00:00:00Z")), t("2024-09-13T00:00:00Z"));
});
