import { Hono } from "hono";
import type { Rendered } from "../cache/edge-cache.ts";
import { MAX_HISTORY_PAGE } from "../core/history-months.ts";
import { mayBeKnown } from "../core/known-events.ts";
import type { PageSnapshot } from "../core/read-model.ts";
import { pageStatusOf } from "../core/statuspage/json.ts";
import { mailConfigured } from "../platform/email/from-env.ts";
import type { AppEnv, Site } from "../site.ts";
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

export function hasComponent(snapshot: PageSnapshot, id: string): boolean {
  return snapshot.components.some((x) => x.id === id);
}

/** The server-rendered pages readers open. Every one is served from the edge cache. */
export function publicPages(site: Site) {
  const app = new Hono<AppEnv>();

  app.get("/", (c) =>
    site.serve(c, ({ snapshot }) =>
      html(
        <StatusPageView snapshot={snapshot} status={pageStatusOf(snapshot)} subscribe={mailConfigured(c.env ?? {})} />,
      ),
    ),
  );

  // `/history?page=N`: N is 1 to MAX_HISTORY_PAGE, written plainly ("2", not "02" or "2.0");
  // no `page` means 1. Anything else (`page=abc`, `page=0`, `page=1001`, `page=`, two `page`s)
  // is a real 404, all of it under one cache key. The key holds the page number and nothing
  // else from the query, so `?page=2&x=1` is `?page=2` and random queries cannot bypass the cache.
  app.get("/history", (c) => {
    const page = historyPageNumber(new URL(c.req.url).searchParams);
    if (page === null) {
      return site.serve(
        c,
        ({ snapshot }) => notFoundHtml(snapshot, "There is no history page with this number."),
        "?page=invalid",
      );
    }
    return site.serve(
      c,
      async ({ snapshot, reader }) => html(<HistoryPage page={snapshot.page} history={await reader.history(page)} />),
      `?page=${page}`,
    );
  });

  app.get("/components/:id", (c) => {
    const noComponent = (snapshot: PageSnapshot) => notFoundHtml(snapshot, "There is no component with this address.");
    return site.serveNamed(
      c,
      (snapshot) => hasComponent(snapshot, c.req.param("id")),
      async ({ snapshot, reader }) => {
        const component = snapshot.components.find((x) => x.id === c.req.param("id"));
        const detail = component ? await reader.componentDetail(component.id, snapshot.generatedAt) : null;
        return component && detail
          ? html(<ComponentPage component={component} snapshot={snapshot} detail={detail} />)
          : noComponent(snapshot);
      },
      noComponent,
      "/components/:unknown",
    );
  });

  for (const kind of ["incidents", "maintenances"] as const) {
    const expected = kind === "incidents" ? "incident" : "maintenance";
    const noEvent = (snapshot: PageSnapshot) => notFoundHtml(snapshot, `There is no ${expected} with this address.`);
    app.get(`/${kind}/:id`, (c) => {
      const id = c.req.param("id");
      // Only an id the snapshot's filter may know reaches the object: made-up ones are 404 from here.
      const mayExist = (snapshot: PageSnapshot) =>
        /^[a-z0-9]{1,40}$/.test(id) && (!snapshot.knownEvents || mayBeKnown(snapshot.knownEvents, id));
      return site.serveNamed(
        c,
        mayExist,
        async ({ snapshot, reader }) => {
          const event = mayExist(snapshot) ? await reader.event(id) : null;
          return event && event.kind === expected
            ? html(<EventPage event={event} snapshot={snapshot} />)
            : noEvent(snapshot);
        },
        noEvent,
        `/${kind}/:unknown`,
      );
    });
  }

  return app;
}

/** The page number `/history` was asked for, or null when it is not one (see the route). */
export function historyPageNumber(query: URLSearchParams): number | null {
  const values = query.getAll("page");
  if (values.length === 0) return 1;
  const [value] = values;
  if (values.length > 1 || value === undefined || !/^[1-9][0-9]{0,3}$/.test(value)) return null;
  const page = Number(value);
  return page <= MAX_HISTORY_PAGE ? page : null;
}
