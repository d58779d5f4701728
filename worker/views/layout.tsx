import type { Child } from "hono/jsx";
import type { PageInfo } from "../core/read-model.ts";
import { DocumentHead } from "./document-head.tsx";

export interface LayoutProps {
  page: PageInfo;
  title?: string;
  /** For search results and link previews; the page's own summary when left out. */
  description?: string;
  children: Child;
}

/** The frame every public page shares: landmarks, one stylesheet, no script. */
export function Layout({ page, title, description, children }: LayoutProps) {
  const fullTitle = title ? `${title} · ${page.name} Status` : `${page.name} Status`;
  const summary =
    description ??
    `Is ${page.name} up? Live status of each ${page.name} component, current incidents and scheduled maintenance.`;
  return (
    <html lang="en">
      <DocumentHead title={fullTitle} description={summary}>
        <link rel="alternate" type="application/rss+xml" title={`${page.name} Status (RSS)`} href="/history.rss" />
        <link rel="alternate" type="application/atom+xml" title={`${page.name} Status (Atom)`} href="/history.atom" />
      </DocumentHead>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="site">
          <div class="wrap">
            <a class="brand" href="/">
              {page.name} <span>Status</span>
            </a>
            <nav aria-label="Status page">
              <a href="/history">History</a>
              {page.homepage ? <a href={page.homepage}>{hostOf(page.homepage)}</a> : null}
            </nav>
          </div>
        </header>
        <main id="main" class="wrap">
          {children}
        </main>
        <footer class="site">
          <div class="wrap">
            <ul>
              <li>
                <a href="/api/v2/summary.json">JSON API</a>
              </li>
              <li>
                <a href="/history">Incident history</a>
              </li>
              <li>
                <a href="/history.rss">RSS</a>
              </li>
              <li>
                <a href="/history.atom">Atom</a>
              </li>
            </ul>
            <p>Powered by Lookout</p>
          </div>
        </footer>
      </body>
    </html>
  );
}

function hostOf(url: string): string {
  return new URL(url).host;
}

/** Renders a page to a full HTML document. */
export async function renderDocument(node: { toString(): string | Promise<string> }): Promise<string> {
  return `<!DOCTYPE html>${await node.toString()}`;
}
