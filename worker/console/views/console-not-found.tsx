import type { PageInfo } from "../../core/read-model.ts";
import type { Viewer } from "../console-env.ts";
import { ConsoleLayout } from "./console-layout.tsx";

/** A console address that names nothing (an incident or maintenance that does not exist): said plainly, with a way on. */
export function ConsoleNotFound({
  page,
  viewer,
  csrf,
  what,
  back,
}: {
  page: PageInfo;
  viewer: Viewer;
  csrf: string;
  /** "incident", "maintenance". */
  what: string;
  back: { href: string; label: string };
}) {
  return (
    <ConsoleLayout page={page} title={`No such ${what}`} viewer={viewer} csrf={csrf}>
      <p>There is no {what} at this address: the link may be mistyped, or it was made on another page.</p>
      <p>
        <a href={back.href}>{back.label}</a>
      </p>
    </ConsoleLayout>
  );
}
