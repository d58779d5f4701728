import { type Context, Hono } from "hono";
import type { Site } from "../../site.ts";
import { callOperation } from "../console-api.ts";
import type { ConsoleEnv } from "../console-env.ts";
import { missing, type Problem, problemOf } from "../form-problem.ts";
import { noticeOf } from "../notices.ts";
import { opsPost, param } from "../ops/ops-form.ts";
import { layoutProps, refuse, renderConsole, seeOther } from "../render.ts";
import { type FlagRow, FlagsPage } from "../views/ops/flags-page.tsx";

const VALUES: Record<string, boolean | null> = { true: true, false: false, default: null };

/** /console/flags: every ops flag, flipped (or returned to its default) with a reason through flags.set. */
export function flagsRoutes(site: Site) {
  const app = new Hono<ConsoleEnv>();

  const show = async (c: Context<ConsoleEnv>, problem?: { flag: string; reason: string } & Problem) => {
    const snapshot = await site.snapshot(c.env);
    const flags = await callOperation<{ data: FlagRow[] }>(c, "flags.list");
    if (!flags.ok) return refuse(c, flags);
    return renderConsole(
      c,
      <FlagsPage
        {...layoutProps(c, snapshot.page)}
        flags={flags.body.data}
        notice={noticeOf(c.req.query("notice"))}
        problem={problem}
      />,
      problem?.status ?? 200,
    );
  };

  app.get("/flags", (c) => show(c));

  /** The list again with the problem beside the flag's own form, the reason as typed. */
  const again = (c: Context<ConsoleEnv>, problem: Problem, reason = "") =>
    show(c, { flag: param(c, "name"), reason, ...problem });

  app.post(
    "/flags/:name",
    opsPost(again, async (c, form) => {
      const reason = (form.get("reason") ?? "").trim();
      const choice = form.get("value") ?? "";
      if (!reason) return again(c, missing("reason", "say why: the audit log keeps it"), reason);
      if (!Object.hasOwn(VALUES, choice)) return again(c, missing("value", "choose on, off or the default"), reason);
      const set = await callOperation(c, "flags.set", {
        params: { name: param(c, "name") },
        body: { value: VALUES[choice], reason },
      });
      if (!set.ok) return again(c, problemOf(set), reason);
      return seeOther(c, "/console/flags", VALUES[choice] === null ? "flag-default" : "flag-set");
    }),
  );

  return app;
}
