import { type Context, Hono } from "hono";
import type { Rendered } from "../cache/edge-cache.ts";
import { renderAtom } from "../core/feeds/atom.ts";
import { feedEntries, pageFeedEvents, tagAuthority } from "../core/feeds/feed-entries.ts";
import { type FeedChannel, renderRss } from "../core/feeds/rss.ts";
import type { PageSnapshot } from "../core/read-model.ts";
import type { AppEnv, Site } from "../site.ts";
import { hasComponent, notFoundHtml } from "./public-pages.tsx";

const FORMATS = {
  rss: { contentType: "application/rss+xml; charset=utf-8", render: renderRss },
  atom: { contentType: "application/atom+xml; charset=utf-8", render: renderAtom },
} as const;

/**
 * RSS 2.0 and Atom at Statuspage's addresses (`/history.rss`, `/history.atom`)
 * and per component (`/components/:id/history.rss|atom`), served from the edge
 * cache like the page. A component's feed reads the component's own events,
 * so an old incident is not crowded out by newer ones elsewhere on the page.
 */
export function feeds(site: Site) {
  const app = new Hono<AppEnv>();
  for (const [format, { contentType, render }] of Object.entries(FORMATS)) {
    app.get(`/history.${format}`, (c) =>
      site.serve(c, async ({ snapshot }) => ({
        status: 200,
        contentType,
        body: render(channel(c, snapshot, null), feedEntries(snapshot, pageFeedEvents(snapshot))),
      })),
    );
    app.get(`/components/:id/history.${format}`, (c) => {
      const noComponent = (snapshot: PageSnapshot) =>
        notFoundHtml(snapshot, "There is no component with this address.");
      return site.serveNamed(
        c,
        (snapshot) => hasComponent(snapshot, c.req.param("id")),
        async ({ snapshot, reader }): Promise<Rendered> => {
          const component = snapshot.components.find((x) => x.id === c.req.param("id"));
          if (!component) return noComponent(snapshot);
          const events = await reader.componentEvents(component.id);
          return {
            status: 200,
            contentType,
            body: render(channel(c, snapshot, component), feedEntries(snapshot, events)),
          };
        },
        noComponent,
        `/components/:unknown/history.${format}`,
      );
    });
  }
  return app;
}

function channel(
  c: Context<AppEnv>,
  snapshot: PageSnapshot,
  component: { id: string; name: string } | null,
): FeedChannel {
  const url = new URL(c.req.url);
  // Statuspage's channel title, which readers and aggregators show as the feed's name.
  const title = component
    ? `${snapshot.page.name} Status - ${component.name} Incident History`
    : `${snapshot.page.name} Status - Incident History`;
  return {
    title,
    description: component
      ? `Incidents and maintenances affecting ${component.name}`
      : `Incidents and maintenances for ${snapshot.page.name}`,
    link: `${url.origin}${component ? `/components/${component.id}` : "/"}`,
    self: `${url.origin}${url.pathname}`,
    id: `${tagAuthority(snapshot)}:${component ? `component/${component.id}/` : ""}history`,
    updated: snapshot.updatedAt,
    origin: url.origin,
  };
}
