import type { PageInfo } from "../core/read-model.ts";
import { Layout } from "./layout.tsx";

export function NotFoundPage({ page, what }: { page: PageInfo; what: string }) {
  return (
    <Layout page={page} title="Not found">
      <h1>Not found</h1>
      <p>{what}</p>
      <p class="more">
        <a href="/">Back to the current status</a>
      </p>
    </Layout>
  );
}
