import { z } from "zod";
import { ianaTimezone } from "./app_input.ts";
import { parseInt64 } from "./integers.ts";
import { cronProblem } from "./schedule.ts";

const MAX_INTERVAL_S = 366 * 86_400;
const MAX_GRACE_S = 30 * 86_400;

const name = z.string().trim().min(1).max(255);
const intervalS = z.number().int().min(1).max(MAX_INTERVAL_S);
const graceS = z.number().int().min(0).max(MAX_GRACE_S);
const cron = z.string().trim().min(1).max(200);
const positiveInt64 = z.unknown().transform((value, ctx) => {
  const parsed = parseInt64(value);
  if (parsed === undefined || parsed < 1n) {
    ctx.addIssue({ code: "custom", message: "must be a positive 64-bit integer" });
    return z.NEVER;
  }
  return parsed;
});
const windowS = z.number().int().min(1).max(MAX_INTERVAL_S);

const fields = {
  name,
  kind: z.enum(["ping", "events"]).default("ping"),
  interval_s: intervalS.optional(),
  cron: cron.optional(),
  timezone: ianaTimezone.optional(),
  grace_s: graceS,
  event: z.string().trim().min(1).max(255).optional(),
  min_count: positiveInt64.optional(),
  min_weight: positiveInt64.optional(),
  window_s: windowS.optional(),
};

type Fields = {
  kind?: "ping" | "events";
  interval_s?: number;
  cron?: string;
  timezone?: string;
  event?: string;
  min_count?: bigint;
  min_weight?: bigint;
  window_s?: number;
};

function checkSchedule(v: Fields, ctx: z.RefinementCtx, creating: boolean) {
  if (v.interval_s !== undefined && v.cron !== undefined) {
    ctx.addIssue({ code: "custom", message: "give interval_s or cron, not both" });
  }
  if (v.cron !== undefined) {
    if (v.kind === "events") {
      ctx.addIssue({ code: "custom", path: ["cron"], message: "event monitors use interval_s" });
    }
    const problem = cronProblem(v.cron, v.timezone ?? "UTC");
    if (problem) ctx.addIssue({ code: "custom", path: ["cron"], message: problem });
  } else if (v.timezone !== undefined && creating) {
    ctx.addIssue({ code: "custom", path: ["timezone"], message: "a timezone goes with cron" });
  }
  if (creating && v.kind !== "events" && v.interval_s === undefined && v.cron === undefined) {
    ctx.addIssue({ code: "custom", message: "give interval_s (seconds) or cron" });
  }
  if (v.kind === "events" && creating) {
    if (v.event === undefined) {
      ctx.addIssue({ code: "custom", path: ["event"], message: "event monitors need an event" });
    }
    if (v.min_count === undefined && v.min_weight === undefined) {
      ctx.addIssue({ code: "custom", message: "event monitors need min_count or min_weight" });
    }
    if (v.window_s === undefined) {
      ctx.addIssue({ code: "custom", path: ["window_s"], message: "event monitors need window_s" });
    }
  }
}

/** POST /api/v1/apps/:app/monitors */
export const newMonitorBody = z.object(fields).superRefine((v, ctx) => checkSchedule(v, ctx, true));

/** PATCH /api/v1/monitors/:id: any of the fields; interval_s or cron switches the schedule. */
export const monitorEditBody = z.object({
  name: name.optional(),
  interval_s: intervalS.optional(),
  cron: cron.optional(),
  timezone: ianaTimezone.optional(),
  grace_s: graceS.optional(),
  event: z.string().trim().min(1).max(255).optional(),
  min_count: positiveInt64.optional(),
  min_weight: positiveInt64.optional(),
  window_s: windowS.optional(),
}).superRefine((v, ctx) => checkSchedule(v, ctx, false));

/** POST /api/v1/apps/:app/channels: the kind's own fields are checked by the kind. */
export const newChannelBody = z.looseObject({ kind: z.string().trim().min(1).max(50) });

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const runsQuery = z.object({
  name: z.string().trim().min(1).max(255),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
