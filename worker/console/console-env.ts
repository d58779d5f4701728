import type { ConsoleViewer } from "../../durable-objects/status-page/api/console-access.ts";
import type { AppEnv } from "../site.ts";
import type { ReadBatch } from "./read-batch.ts";

/** The person a console request is for: who they are, what they may do, and the session that says so. */
export interface Viewer extends ConsoleViewer {
  /** SHA-256 of the session cookie's secret: the credential the console's API calls carry. */
  sessionHash: string;
}

export type ConsoleEnv = {
  Bindings: AppEnv["Bindings"];
  Variables: {
    viewer: Viewer;
    csrf: string;
    /** Told after every write the console makes, so this isolate's public pages show it at once (as after /api/v1). */
    noteWrite: () => void;
    /** This request's reads, sent to the page's object together (read-batch.ts). */
    reads: ReadBatch;
  };
};
