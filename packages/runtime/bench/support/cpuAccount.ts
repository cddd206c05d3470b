/**
 * Where a phase's CPU went, per case: this process (runtime and driver, or the peer and its
 * driver), the local PostgreSQL's processes, and the whole machine, from /proc (Linux only; on
 * another system, or with PostgreSQL on another host, the figures it cannot read are left out).
 * CPU time per case does not depend on how long a case waited, so it compares two systems on the
 * same cores more steadily than cases/s does: on n cores, cases/s ≤ n × 1,000 / machine ms per case.
 */
import { cpus } from 'node:os';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import pg from 'pg';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime of one process, in ms; undefined when it is gone. */
function pidCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

/** The local TCP ports of this process's sockets (its PostgreSQL connections among them). */
function ownTcpPorts(): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed while we read
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
        const f = line.trim().split(/\s+/);
        if (f.length > 9 && inodes.has(f[9]!)) ports.push(parseInt(f[1]!.split(':')[1]!, 16));
      }
    } catch {
      // no such table
    }
  }
  return ports;
}

/**
 * CPU ms of each PostgreSQL backend serving this process's connections (found by their client
 * port in pg_stat_activity), so other clients of the same server (other test runs) do not count.
 */
async function ownBackendsCpuMs(databaseUrl: string | undefined): Promise<Map<number, number> | undefined> {
  if (!databaseUrl) return undefined;
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[]) AND pid <> pg_backend_pid()', [
      ownTcpPorts(),
    ]);
    const cpu = new Map<number, number>();
    for (const { pid } of rows) {
      const ms = pidCpuMs(pid);
      if (ms !== undefined) cpu.set(pid, ms);
    }
    return cpu;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

/** utime + stime of every process named `postgres`, in ms; undefined where /proc cannot tell. */
function postgresCpuMs(): number | undefined {
  try {
    let ticks = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
        const fields = stat.slice(close + 2).split(' ');
        ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
      } catch {
        // the process ended while we read
      }
    }
    return ticks * TICK_MS;
  } catch {
    return undefined;
  }
}

/** Busy CPU time of the whole machine (all cores), in ms. */
function machineBusyMs(): number | undefined {
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
  postgresMs?: number;
  /** Of `postgresMs`, the backends of this process's own connections (those open at the phase's end). */
  ownBackendsMs?: number;
  machineMs?: number;
}

/** Starts counting; `stop(cases)` answers the CPU per case since the start (with `databaseUrl`, also of this process's own backends). */
export async function startCpuAccount(databaseUrl?: string) {
  const backends = await ownBackendsCpuMs(databaseUrl);
  const before = { process: processCpuMs(), postgres: postgresCpuMs(), machine: machineBusyMs(), at: performance.now() };
  return {
    async stop(cases: number): Promise<CpuPerCase & { busyShare?: number }> {
      const after = await ownBackendsCpuMs(databaseUrl);
      let own: number | undefined;
      if (after && backends) {
        own = 0;
        // a backend that started during the phase counts from zero
        for (const [pid, ms] of after) own += ms - (backends.get(pid) ?? 0);
      }
      const postgres = postgresCpuMs();
      const machine = machineBusyMs();
      const wallMs = performance.now() - before.at;
      const per = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && cases > 0 ? (a - b) / cases : undefined);
      return {
        processMs: (processCpuMs() - before.process) / Math.max(cases, 1),
        postgresMs: per(postgres, before.postgres),
        ownBackendsMs: per(own, 0),
        machineMs: per(machine, before.machine),
        busyShare: machine !== undefined && before.machine !== undefined ? (machine - before.machine) / (wallMs * cpus().length) : undefined,
      };
    },
  };
}

export const describeCpu = (c: CpuPerCase & { busyShare?: number }) =>
  `    CPU per case: this process ${c.processMs.toFixed(1)} ms` +
  (c.postgresMs !== undefined ? `, PostgreSQL ${c.postgresMs.toFixed(1)} ms` : '') +
  (c.ownBackendsMs !== undefined ? ` (its own backends ${c.ownBackendsMs.toFixed(1)} ms)` : '') +
  (c.machineMs !== undefined ? `, whole machine ${c.machineMs.toFixed(1)} ms` : '') +
  (c.busyShare !== undefined ? ` (cores ${(c.busyShare * 100).toFixed(0)} % busy)` : '');
