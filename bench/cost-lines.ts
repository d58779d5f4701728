/**
 * The cost lines a bench's workerd logs: every Durable Object logs one per
 * request at debug level (durable-objects/shared/cost-meter.ts), which
 * bench/cost.ts turns into a bill and bench/console.ts into each page's cost.
 */

/**
 * A meter's `cost` line (durable-objects/shared/cost-meter.ts CostLine) as workerd printed it, with
 * the time it was logged; declared here as the Node tsconfig does not load the objects' workerd types.
 */
export interface CostLine {
  time: string;
  object: string;
  name: string | null;
  method: string;
  rowsRead: number;
  rowsWritten: number;
  setAlarms: number;
  activeMs: number;
}

/** What one workerd logged while a bench ran: the cost lines in order, and its warnings and errors counted by event. */
export interface CostLog {
  lines: CostLine[];
  problems: Map<string, number>;
  /** For startWorker's `onLog` (bench/harness.ts), with LOG_LEVEL debug: swallows every line, keeping what counts. */
  onLog: (level: string, message: string) => boolean;
}

export function costLog(): CostLog {
  const lines: CostLine[] = [];
  const problems = new Map<string, number>();
  const onLog = (level: string, message: string): boolean => {
    try {
      const parsed = JSON.parse(message) as Partial<CostLine> & { event?: string };
      if (parsed.event === "cost") lines.push(parsed as CostLine);
      else if (level === "warn" || level === "error") {
        const key = parsed.event ?? message.slice(0, 60);
        problems.set(key, (problems.get(key) ?? 0) + 1);
      }
    } catch {
      // Not one of Lookout's lines (workerd's own): not counted.
    }
    return true;
  };
  return { lines, problems, onLog };
}
