import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runtimeDir = fileURLToPath(new URL('../../', import.meta.url));

/** The longest a child runtime may take to listen (tsx, PGlite, migrations and the demo seed on a busy machine). */
export const CHILD_START_MS = 180_000;

export interface ChildRuntime {
  url: string;
  process: ChildProcess;
  output: () => string;
}

/**
 * Starts `src/main.ts` (through tsx, on shared's TypeScript sources) in a child process and
 * resolves with its address once it listens; `{ built: true }` starts `dist/main.js` with plain
 * node instead (`pnpm build` first), as production does.
 */
export function startChildRuntime(env: Record<string, string>, options: { built?: boolean } = {}): Promise<ChildRuntime> {
  const args = options.built ? ['dist/main.js'] : ['--conditions=exflow-source', '--import', 'tsx', 'src/main.ts'];
  const child = spawn(process.execPath, args, {
    cwd: runtimeDir,
    env: { ...process.env, PORT: '0', EXFLOW_POLL_MS: '50', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    // a ceiling, not a budget: it resolves as soon as the child listens; a loaded machine may need minutes
    const timer = setTimeout(() => reject(new Error(`child runtime did not start within ${CHILD_START_MS / 1000} s:\n${output}`)), CHILD_START_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Exflow is running at (http:\/\/localhost:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], process: child, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child runtime exited with ${code}:\n${output}`));
    });
  });
}

/** SIGKILL: no shutdown hooks, no flushing; as a power cut is to the process. */
export function killHard(child: ChildRuntime): Promise<void> {
  return new Promise((resolve) => {
    child.process.removeAllListeners('exit');
    child.process.once('exit', () => resolve());
    child.process.kill('SIGKILL');
  });
}

export function stopGently(child: ChildRuntime): Promise<void> {
  return new Promise((resolve) => {
    child.process.removeAllListeners('exit');
    child.process.once('exit', () => resolve());
    child.process.kill('SIGTERM');
  });
}
