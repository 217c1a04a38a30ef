export type LogLevel = "debug" | "info" | "warn" | "error";

export type LogFields = Record<string, unknown>;

/** Structured logs: one JSON object per line. */
export interface Logger {
  log(level: LogLevel, msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

function describe(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack };
  }
  return typeof value === "bigint" ? value.toString() : value;
}

export function jsonLogger(
  write: (line: string) => void = (line) => console.log(line),
  base: LogFields = {},
): Logger {
  return {
    log(level, msg, fields = {}) {
      const entry: LogFields = { time: new Date().toISOString(), level, msg, ...base };
      for (const [key, value] of Object.entries(fields)) entry[key] = describe(value);
      write(JSON.stringify(entry));
    },
    child(fields) {
      return jsonLogger(write, { ...base, ...fields });
    },
  };
}

export const silentLogger: Logger = { log() {}, child: () => silentLogger };
