// What one bench step costs, so that a run on a loaded, shared machine still means something: wall
// time, this process's CPU time, the CPU time of this run's PostgreSQL backends (found by the
// application_name the run's connections carry, read from /proc: the server must run on this
// machine), this process's peak RSS and the largest backend's peak resident memory (VmHWM).
// A backend that closes during a step takes its CPU time with it; the steps measured here run
// their statements on connections that stay open.
import { readFileSync } from "node:fs";
import pg from "pg";

const ticksPerSecond = 100;

function procCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after "pid (comm) ".
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return 0;
  }
}

function procPeakKiB(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .find((l) => l.startsWith("VmHWM:"));
    return Number(line?.replace(/\D+/g, "") ?? 0);
  } catch {
    return 0;
  }
}

export interface StepCost {
  wallMs: number;
  nodeCpuMs: number;
  pgCpuMs: number;
  nodePeakRssMiB: number;
  pgPeakMiB: number;
}

export class StepMeter {
  readonly #admin: pg.Client;
  readonly #applicationName: string;

  private constructor(admin: pg.Client, applicationName: string) {
    this.#admin = admin;
    this.#applicationName = applicationName;
  }

  static async open(url: string, applicationName: string): Promise<StepMeter> {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    return new StepMeter(admin, applicationName);
  }

  async #backends(): Promise<number[]> {
    const { rows } = await this.#admin.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE application_name = $1",
      [this.#applicationName],
    );
    return rows.map((r) => r.pid);
  }

  async #pgCpu(): Promise<Map<number, number>> {
    return new Map((await this.#backends()).map((pid) => [pid, procCpuMs(pid)]));
  }

  /** Runs one step and measures it; a backend first seen at the end counts from zero. */
  async measure<T>(run: () => Promise<T>): Promise<{ result: T; cost: StepCost }> {
    const before = await this.#pgCpu();
    const cpu = process.cpuUsage();
    const started = performance.now();
    const result = await run();
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const pids = await this.#backends();
    let pgCpuMs = 0;
    let pgPeakKiB = 0;
    for (const pid of pids) {
      pgCpuMs += procCpuMs(pid) - (before.get(pid) ?? 0);
      pgPeakKiB = Math.max(pgPeakKiB, procPeakKiB(pid));
    }
    return {
      result,
      cost: {
        wallMs,
        nodeCpuMs: (used.user + used.system) / 1000,
        pgCpuMs,
        nodePeakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
        pgPeakMiB: Math.round(pgPeakKiB / 1024),
      },
    };
  }

  close(): Promise<void> {
    return this.#admin.end();
  }
}

/** One line: wall, CPU of this process and of the backends, peak memory of each. */
export const describeCost = (c: StepCost): string =>
  `${(c.wallMs / 1000).toFixed(2)} s wall; CPU ${(c.nodeCpuMs / 1000).toFixed(2)} s node + ${(c.pgCpuMs / 1000).toFixed(2)} s PostgreSQL; peak RSS node ${c.nodePeakRssMiB} MiB, largest backend ${c.pgPeakMiB} MiB`;
