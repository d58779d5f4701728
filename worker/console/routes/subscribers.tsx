import { type Context, Hono } from "hono";
import { paramPattern } from "../../api/path-params.ts";
import type { Site } from "../../site.ts";
import { callOperation } from "../console-api.ts";
import type { ConsoleEnv } from "../console-env.ts";
import { missing, type Problem, problemOf } from "../form-problem.ts";
import { noticeOf } from "../notices.ts";
import { opsAction, opsPost, param, pendingChoice } from "../ops/ops-form.ts";
import { layoutProps, refuse, renderConsole, seeOther } from "../render.ts";
import {
  type DomainHold,
  type SubscriberRow,
  type SubscriberSearch,
  SubscribersPage,
} from "../views/ops/subscribers-page.tsx";

/** The API's own shape of a mail domain (labels, no empty one): what /api/v1/holds/domains/:domain takes. */
const DOMAIN = paramPattern("domain");
/** What a refused hold form gives back to its field: as typed, bounded like the field. */
const TYPED_DOMAIN = 253;

/** /console/subscribers: counts, find and remove (subscribers.*), domain holds (holds.*). */
export function subscribersRoutes(site: Site) {
  const app = new Hono<ConsoleEnv>();

  const show = async (c: Context<ConsoleEnv>, problem?: Problem, holdDomain?: string) => {
    const search: SubscriberSearch = {
      q: (c.req.query("q") ?? "").trim().slice(0, 300),
      match: (c.req.query("match") ?? "contains").slice(0, 20),
      state: (c.req.query("state") ?? "").slice(0, 20),
    };
    const searching = search.q !== "" || search.state !== "";
    const query: Record<string, string> = { match: search.match };
    if (search.q) query.q = search.q;
    if (search.state) query.state = search.state;
    const cursor = c.req.query("cursor");
    if (cursor) query.cursor = cursor.slice(0, 60);
    type Listed = { data: SubscriberRow[]; counts: Record<string, number>; nextCursor: string | null };
    // One call for the counts (and whether this person may see subscribers at all), one for the search.
    const counts = await callOperation<Listed>(c, "subscribers.list", { query: { limit: "1" } });
    if (!counts.ok) return refuse(c, counts);
    const list = searching ? await callOperation<Listed>(c, "subscribers.list", { query }) : null;
    const holds = await callOperation<{ data: (DomainHold & { kind: string })[] }>(c, "holds.list");
    let next: string | null = null;
    if (list?.ok && list.body.nextCursor) {
      next = `/console/subscribers?${new URLSearchParams({ ...search, cursor: list.body.nextCursor })}`;
    }
    const snapshot = await site.snapshot(c.env);
    return renderConsole(
      c,
      <SubscribersPage
        {...layoutProps(c, snapshot.page)}
        counts={counts.body.counts}
        found={list?.ok ? list.body.data : null}
        search={search}
        next={next}
        holds={holds.ok ? holds.body.data.filter((hold) => hold.kind === "domain") : []}
        holdDomain={holdDomain}
        notice={noticeOf(c.req.query("notice"))}
        problem={problem ?? (list && !list.ok ? problemOf(list) : undefined)}
      />,
      problem?.status ?? (list && !list.ok ? list.status : 200),
    );
  };

  app.get("/subscribers", (c) => show(c));

  app.post(
    "/subscribers/:id/remove",
    opsPost(show, async (c, form) => {
      if (form.get("confirm") !== "yes") return show(c, missing("confirm", "tick the box to erase this address"));
      const removed = await callOperation(c, "subscribers.remove", { params: { id: param(c, "id") } });
      if (!removed.ok) return show(c, problemOf(removed));
      return seeOther(c, "/console/subscribers", "subscriber-removed");
    }),
  );

  app.post(
    "/subscribers/holds",
    opsPost(show, async (c, form) => {
      const typed = (form.get("domain") ?? "").slice(0, TYPED_DOMAIN);
      const domain = typed.trim().toLowerCase();
      // The console calls the object directly, past the router's path check: the same check here.
      if (!DOMAIN.test(domain)) return show(c, missing("domain", "a mail domain, such as example.com"), typed);
      const held = await callOperation(c, "holds.hold", { params: { domain } });
      if (!held.ok) return show(c, problemOf(held), typed);
      return seeOther(c, "/console/subscribers", "domain-held");
    }),
  );

  app.post(
    "/subscribers/holds/:domain/lift",
    opsAction<{ lifted: boolean }>(show, {
      operation: "holds.lift",
      section: "subscribers",
      key: "domain",
      input: pendingChoice,
      // Lifted already (a colleague, another tab) or never held: say so rather than claim a lift.
      notice: (answer) => (answer.lifted ? "domain-lifted" : "domain-not-held"),
    }),
  );

  return app;
}
