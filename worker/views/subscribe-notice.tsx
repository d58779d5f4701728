import type { PageInfo } from "../core/read-model.ts";
import { Layout } from "./layout.tsx";

/** The answer to a subscribe form that could not go ahead: what happened, and the way back. */
export function SubscribeNotice({ page, title }: { page: PageInfo; title: string }) {
  return (
    <Layout page={page} title={title}>
      <article class="notice">
        <h1>{title}</h1>
        <p class="more">
          <a href="/#subscribe-title">Back to the subscribe form</a>
        </p>
      </article>
    </Layout>
  );
}
