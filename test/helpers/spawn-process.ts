import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface Spawned {
  child: ChildProcess;
  /** Resolves once the process printed its ready line; rejects if it exits first. */
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  output: () => string;
}

/**
 * The API (test/helpers/run-api.ts) or the worker (run-worker.ts) as a real process, run from
 * the sources through swc, on this test run's database and Redis prefix, with `overrides` to
 * its configuration.
 */
export function spawnApp(kind: 'api' | 'worker', overrides: Record<string, string> = {}): Spawned {
  const variable = kind === 'api' ? 'API_OVERRIDES' : 'WORKER_OVERRIDES';
  const child = spawn(
    process.execPath,
    [
      '--require',
      join(ROOT, 'test/helpers/swc-register.js'),
      join(ROOT, `test/helpers/run-${kind}.ts`),
    ],
    { cwd: ROOT, env: { ...process.env, [variable]: JSON.stringify(overrides) } },
  );
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>(
    (resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`${kind} ready`)) resolve();
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(({ code, signal }) =>
      reject(new Error(`${kind} exited (${code ?? signal}): ${output}`)),
    );
  });
  // A rejection nobody awaits (the process was killed on purpose after it was ready) is fine.
  ready.catch(() => undefined);
  return { child, ready, exited, output: () => output };
}

/** SIGKILLs whatever of these is still running (test clean-up). */
export function killAll(spawned: Spawned[]): void {
  for (const s of spawned) {
    if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  }
}
