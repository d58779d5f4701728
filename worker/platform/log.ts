import { redactCapabilities } from "../core/access/redact-capabilities.ts";

/**
 * Structured JSON logs, one object per line, so `wrangler tail` and Logpush can
 * filter on `level` and `event`. The level threshold comes from LOG_LEVEL.
 * Capability URLs (subscribers' links, heartbeat URLs) lose their key on the
 * way out, wherever in the line they are: a path, an error's message.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

let threshold: LogLevel = "info";

export function setLogLevel(level: string | undefined): void {
  if (level && level in RANK) threshold = level as LogLevel;
}

function write(level: LogLevel, event: string, fields: Record<string, unknown> = {}): void {
  if (RANK[level] < RANK[threshold]) return;
  const line = redactCapabilities(
    JSON.stringify({ level, event, time: new Date().toISOString(), ...fields, ...errorFields(fields) }),
  );
  console[level](line);
}

/** Errors do not survive JSON.stringify; keep their name and message. */
function errorFields(fields: Record<string, unknown>): Record<string, unknown> {
  const error = fields.error;
  return error instanceof Error ? { error: { name: error.name, message: error.message } } : {};
}

export const log = {
  debug: (event: string, fields?: Record<string, unknown>) => write("debug", event, fields),
  info: (event: string, fields?: Record<string, unknown>) => write("info", event, fields),
  warn: (event: string, fields?: Record<string, unknown>) => write("warn", event, fields),
  error: (event: string, fields?: Record<string, unknown>) => write("error", event, fields),
};
