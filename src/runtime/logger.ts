/**
 * Structured JSON logging. One root logger per process (or per Manager in tests); controllers derive children
 * carrying {controller, key, reconcileId} so every line of one reconcile can be found together.
 */
import type { Writable } from "node:stream";
import winston from "winston";

export type Logger = winston.Logger;

export type LogLevel = "error" | "warn" | "info" | "debug";

export interface LoggerOptions {
  /** Default "info". */
  level?: LogLevel;
  /** Where JSON lines go; default stderr (like klog/zap in Go controllers, keeping stdout free). */
  stream?: Writable;
  /** Discard everything (tests that do not look at logs). */
  silent?: boolean;
  /** Fields added to every line, e.g. { logger: "kroute" }. */
  defaultMeta?: Record<string, unknown>;
}

export interface ReconcileFields {
  controller?: string;
  key?: string;
  reconcileId?: string;
}

export function newLogger(opts: LoggerOptions = {}): Logger {
  return winston.createLogger({
    level: opts.level ?? "info",
    silent: opts.silent ?? false,
    defaultMeta: opts.defaultMeta,
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.errors({ stack: true }),
      winston.format.json(),
    ),
    transports: [new winston.transports.Stream({ stream: opts.stream ?? process.stderr })],
  });
}

/** A logger that writes nothing. */
export function nopLogger(): Logger {
  return newLogger({ silent: true });
}

/** Child logger for one controller, or one reconcile of one key. Undefined fields are left out. */
export function withFields(log: Logger, fields: ReconcileFields): Logger {
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) meta[k] = v;
  return log.child(meta);
}

/** Parses a --log-level style value; unknown values fall back to "info". */
export function parseLogLevel(value: string | undefined): LogLevel {
  const v = (value ?? "").toLowerCase();
  return v === "error" || v === "warn" || v === "debug" ? v : "info";
}
