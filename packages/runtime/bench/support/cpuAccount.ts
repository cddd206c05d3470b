/**
 * Where a phase's CPU went, per case: this process (runtime and driver, or the peer and its
 * driver), the local PostgreSQL's processes, and the whole machine, from /proc (Linux only; on
 * another system, or with PostgreSQL on another host, the figures it cannot read are left out).
 * CPU time per case does not depend on how long a case waited, so it compares two systems on the
 * same cores more steadily than cases/s does: on n cores, cases/s ≤ n × 1,000 / machine ms per case.
 */
import { cpus } from 'node:os';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** A process's name and utime + stime in ms (`/proc/<pid>/stat`, fields 2, 14 and 15). */
function readStat(pid: number | string): { name: string; ms: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  return { name: stat.slice(stat.indexOf('(') + 1, close), ms: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
}

/** utime + stime of one process, in ms; undefined where /proc cannot tell. */
export function pidCpuMs(pid: number): number | undefined {
  try {
    return readStat(pid).ms;
  } catch {
    return undefined;
  }
}

/** The local TCP ports of this process's sockets (from /proc/self/fd and /proc/net/tcp). */
function ownTcpPorts(): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed while we read
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    let rows: string[] = [];
    try {
      rows = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      // no IPv6 table
    }
    for (const row of rows) {
      const cols = row.trim().split(/\s+/);
      if (cols.length > 9 && inodes.has(cols[9]!)) ports.add(parseInt(cols[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

/**
 * utime + stime, in ms, of every process named `postgres` (`all`) and of the backends serving this
 * process's connections (`own`: their title names the client's port), so that other clients of a
 * shared server (another test run) can be left out; undefined where /proc cannot tell.
 */
export function postgresCpuMs(): { all: number; own: number } | undefined {
  try {
    const ports = ownTcpPorts();
    let all = 0;
    let own = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const { name, ms } = readStat(pid);
        if (name !== 'postgres') continue;
        all += ms;
        const port = /\((\d+)\)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1];
        if (port && ports.has(Number(port))) own += ms;
      } catch {
        // the process ended while we read
      }
    }
    return { all, own };
  } catch {
    return undefined;
  }
}

/** Busy CPU time of the whole machine (all cores), in ms. */
export function machineBusyMs(): number | undefined {
  try {
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) * TICK_MS;
  } catch {
    return undefined;
  }
}

const processCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export interface CpuPerCase {
  processMs: number;
  /** all of the local PostgreSQL's processes */
  postgresMs?: number;
  /** the backends of this process's connections only (a backend that closed during the phase is missed) */
  ownBackendsMs?: number;
  machineMs?: number;
}

/** Starts counting; `stop(cases)` answers the CPU per case since the start. */
export function startCpuAccount() {
  const before = { process: processCpuMs(), postgres: postgresCpuMs(), machine: machineBusyMs(), at: performance.now() };
  return {
    stop(cases: number): CpuPerCase & { busyShare?: number } {
      const postgres = postgresCpuMs();
      const machine = machineBusyMs();
      const wallMs = performance.now() - before.at;
      const per = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && cases > 0 ? (a - b) / cases : undefined);
      return {
        processMs: (processCpuMs() - before.process) / Math.max(cases, 1),
        postgresMs: per(postgres?.all, before.postgres?.all),
        ownBackendsMs: per(postgres?.own, before.postgres?.own),
        machineMs: per(machine, before.machine),
        busyShare: machine !== undefined && before.machine !== undefined ? (machine - before.machine) / (wallMs * cpus().length) : undefined,
      };
    },
  };
}

export const describeCpu = (c: CpuPerCase & { busyShare?: number }) =>
  `    CPU per case: this process ${c.processMs.toFixed(1)} ms` +
  (c.postgresMs !== undefined ? `, PostgreSQL ${c.postgresMs.toFixed(1)} ms (its backends for this process ${c.ownBackendsMs?.toFixed(1)} ms)` : '') +
  (c.machineMs !== undefined ? `, whole machine ${c.machineMs.toFixed(1)} ms` : '') +
  (c.busyShare !== undefined ? ` (cores ${(c.busyShare * 100).toFixed(0)} % busy)` : '');
