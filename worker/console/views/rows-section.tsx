import type { Child } from "hono/jsx";

/**
 * A titled list of rows, or a sentence saying there are none: the
 * dashboard's open incidents, alerts and maintenances, and the maintenances
 * page's three lists. `children` follow the list (a link to the whole of it).
 */
export function RowsSection<T>({
  id,
  heading,
  items,
  empty,
  row,
  children,
}: {
  /** The heading's id, which labels the section. */
  id: string;
  heading: string;
  items: readonly T[];
  /** Said instead of an empty list. */
  empty: string;
  /** One <li> a row. */
  row: (item: T) => Child;
  children?: Child;
}) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{heading}</h2>
      {items.length === 0 ? <p>{empty}</p> : <ul class="rows">{items.map((item) => row(item))}</ul>}
      {children}
    </section>
  );
}
