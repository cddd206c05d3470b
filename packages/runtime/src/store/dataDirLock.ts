import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The lock file in a PGlite data folder: the pid of the process that has the folder open. */
export const LOCK_FILE = 'exflow.lock';

/** Folders this process holds, so a second open in the same process is refused too. */
const heldHere = new Set<string>();

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `PGlite data folder ${dataDir} is in use by process ${pid}; stop it or set EXFLOW_DATA_DIR to another folder (or use PostgreSQL with DATABASE_URL to run several processes)`,
    );
    this.name = 'DataDirInUseError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const readPid = (path: string): number | undefined => {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Takes the data folder for this process: PGlite is one process, and a second one on the same
 * folder would serve from a copy and lose the first one's writes. A lock whose process is gone
 * (killed) is taken over. Returns the release, which removes the lock if it is still ours.
 */
export function lockDataDir(dataDir: string): () => void {
  const dir = resolve(dataDir);
  const path = join(dir, LOCK_FILE);
  if (heldHere.has(dir)) throw new DataDirInUseError(dir, process.pid);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw e;
    }
    const holder = readPid(path);
    if (holder === undefined && attempt === 0) {
      // created but not yet written by a process starting right now: look again shortly
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
      continue;
    }
    // our own pid on a lock we do not hold is a previous life of this pid (a container restart)
    if (holder !== undefined && holder !== process.pid && alive(holder)) throw new DataDirInUseError(dir, holder);
    try {
      unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  heldHere.add(dir);
  const onExit = () => release();
  process.once('exit', onExit);
  function release() {
    if (!heldHere.delete(dir)) return;
    process.removeListener('exit', onExit);
    try {
      if (readPid(path) === process.pid) unlinkSync(path);
    } catch {
      // already gone
    }
  }
  return release;
}
