/**
 * The `/` route's render, and nothing else: the same components and document
 * wrapper as worker/routes/public-pages.tsx, without the cache around them.
 * Bundled by render.ts because Node cannot load .tsx on its own.
 */
import type { PageSnapshot } from "../worker/core/read-model.ts";
import { pageStatusOf } from "../worker/core/statuspage/json.ts";
import { renderDocument } from "../worker/views/layout.tsx";
import { StatusPageView } from "../worker/views/status-page.tsx";

export function renderStatusPage(snapshot: PageSnapshot): Promise<string> {
  // With the subscribe form, as a page that sends mail shows it: the larger of the two.
  return renderDocument(<StatusPageView snapshot={snapshot} status={pageStatusOf(snapshot)} subscribe />);
}
