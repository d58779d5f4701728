import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/**
 * CPU time from Linux's /proc, for what workerd cannot tell about itself: its
 * clocks stand still while code runs, so a Worker cannot time its own CPU.
 * Every reader returns null where /proc is not there.
 */

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User and system CPU a process (all its threads) has used so far, in ms; resolution one clock tick (10 ms). */
export function processCpu(pid: number | null): { user: number; system: number } | null {
  if (pid === null) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ms = (ticks: string | undefined) => (Number(ticks) * 1000) / TICKS_PER_SECOND;
    return { user: ms(fields[11]), system: ms(fields[12]) };
  } catch {
    return null;
  }
}

/** User + system CPU of a process so far, in ms. */
export function processCpuMs(pid: number | null): number | null {
  const cpu = processCpu(pid);
  return cpu === null ? null : cpu.user + cpu.system;
}

/** Resident memory of a process in MB. */
export function processRssMb(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** The whole machine's CPU counters so far (all cores), in ticks: busy and total. */
export function machineCpu(): { busy: number; total: number } | null {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const [, ...values] = line.trim().split(/\s+/);
    const ticks = values.map(Number);
    const total = ticks.reduce((a, b) => a + b, 0);
    // idle and iowait are the 4th and 5th counters.
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}
