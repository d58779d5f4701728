import { Hono } from "hono";
import type { Rendered } from "../cache/edge-cache.ts";
import type { PageSnapshot } from "../core/read-model.ts";
import type { AppEnv, Site } from "../site.ts";
import { pageStatusOf } from "../v2/statuspage-json.ts";
import { ComponentPage } from "../views/component-page.tsx";
import { EventPage } from "../views/event-page.tsx";
import { HistoryPage } from "../views/history-page.tsx";
import { renderDocument } from "../views/layout.tsx";
import { NotFoundPage } from "../views/not-found-page.tsx";
import { StatusPageView } from "../views/status-page.tsx";

const HTML = "text/html; charset=utf-8";

async function html(node: { toString(): string | Promise<string> }, status = 200): Promise<Rendered> {
  return { status, contentType: HTML, body: await renderDocument(node) };
}

export function notFoundHtml(snapshot: PageSnapshot, what: string): Promise<Rendered> {
  return html(<NotFoundPage page={snapshot.page} what={what} />, 404);
}

/** The server-rendered pages readers open. Every one is served from the edge cache. */
export function publicPages(site: Site) {
  const app = new Hono<AppEnv>();

  app.get("/", (c) =>
    site.serve(c, ({ snapshot }) => html(<StatusPageView snapshot={snapshot} status={pageStatusOf(snapshot)} />)),
  );

  app.get("/history", (c) => site.serve(c, ({ snapshot }) => html(<HistoryPage snapshot={snapshot} />)));

  app.get("/components/:id", (c) =>
    site.serve(c, async ({ snapshot, reader }) => {
      const component = snapshot.components.find((x) => x.id === c.req.param("id"));
      const detail = component ? await reader.componentDetail(component.id) : null;
      return component && detail
        ? html(<ComponentPage component={component} snapshot={snapshot} detail={detail} />)
        : notFoundHtml(snapshot, "There is no component with this address.");
    }),
  );

  for (const kind of ["incidents", "maintenances"] as const) {
    app.get(`/${kind}/:id`, (c) =>
      site.serve(c, async ({ snapshot, reader }) => {
        const id = c.req.param("id");
        const event = /^[a-z0-9]{1,40}$/.test(id) ? await reader.event(id) : null;
        const expected = kind === "incidents" ? "incident" : "maintenance";
        return event && event.kind === expected
          ? html(<EventPage event={event} snapshot={snapshot} />)
          : notFoundHtml(snapshot, `There is no ${expected} with this address.`);
      }),
    );
  }

  return app;
}
