import { Hono } from "hono";
import type { Site } from "../../site.ts";
import { callOperation } from "../console-api.ts";
import type { ConsoleEnv } from "../console-env.ts";
import { layoutProps, refuse, renderConsole } from "../render.ts";
import { AUDIT_FILTERS, type AuditFilters, type AuditLine, AuditPage } from "../views/ops/audit-page.tsx";

const PAGE = 50;
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** A browser's datetime-local value has no zone: the page says UTC, so it is read as UTC. */
function instant(value: string): string {
  const match = LOCAL_TIME.exec(value);
  if (!match) return value;
  return match[1] ? `${value}Z` : `${value}:00Z`;
}

/** /console/audit: the audit log through audit.list, its filters in the address so a view can be shared. */
export function auditRoutes(site: Site) {
  const app = new Hono<ConsoleEnv>();
  app.get("/audit", async (c) => {
    const filters: AuditFilters = {};
    const query: Record<string, string> = { limit: String(PAGE) };
    for (const name of AUDIT_FILTERS) {
      const value = (c.req.query(name) ?? "").trim().slice(0, 300);
      if (!value) continue;
      filters[name] = value;
      query[name] = name === "since" || name === "until" ? instant(value) : value;
    }
    const before = c.req.query("before");
    if (before) query.before = before.slice(0, 20);
    const answer = await callOperation<{ data: AuditLine[]; nextBefore: number | null }>(c, "audit.list", { query });
    if (!answer.ok && answer.status !== 400) {
      return refuse(c, answer);
    }
    let older: string | null = null;
    if (answer.ok && answer.body.nextBefore !== null) {
      const next = new URLSearchParams(filters as Record<string, string>);
      next.set("before", String(answer.body.nextBefore));
      older = `/console/audit?${next}`;
    }
    const snapshot = await site.snapshot(c.env);
    return renderConsole(
      c,
      <AuditPage
        {...layoutProps(c, snapshot.page)}
        lines={answer.ok ? answer.body.data : []}
        filters={filters}
        older={older}
        problem={answer.ok ? undefined : { status: answer.status, message: answer.message, fields: answer.fields }}
      />,
      answer.ok ? 200 : 400,
    );
  });
  return app;
}
