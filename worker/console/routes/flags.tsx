import { type Context, Hono } from "hono";
import type { Site } from "../../site.ts";
import { callOperation } from "../console-api.ts";
import type { ConsoleEnv } from "../console-env.ts";
import { noticeOf } from "../notices.ts";
import { isProblem, missing, opsForm, type Problem, param, problemOf } from "../ops/ops-form.ts";
import { refuse, renderConsole, seeOther } from "../render.ts";
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
        page={snapshot.page}
        viewer={c.var.viewer}
        csrf={c.var.csrf}
        flags={flags.body.data}
        notice={noticeOf(c.req.query("notice"))}
        problem={problem}
      />,
      problem?.status ?? 200,
    );
  };

  app.get("/flags", (c) => show(c));

  app.post("/flags/:name", async (c) => {
    const flag = param(c, "name");
    const form = await opsForm(c);
    if (isProblem(form)) return show(c, { flag, reason: "", ...form });
    const reason = (form.get("reason") ?? "").trim();
    const choice = form.get("value") ?? "";
    if (!reason) return show(c, { flag, reason, ...missing("reason", "say why: the audit log keeps it") });
    if (!Object.hasOwn(VALUES, choice)) {
      return show(c, { flag, reason, ...missing("value", "choose on, off or the default") });
    }
    const set = await callOperation(c, "flags.set", {
      params: { name: flag },
      body: { value: VALUES[choice], reason },
    });
    if (!set.ok) return show(c, { flag, reason, ...problemOf(set) });
    return seeOther(c, "/console/flags", VALUES[choice] === null ? "flag-default" : "flag-set");
  });

  return app;
}
