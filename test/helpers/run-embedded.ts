import { spawn } from 'node:child_process';

/**
 * Runs the local start (src/embedded.ts, as `npm start` does from dist) with only the given
 * environment and PATH, until it exits or `timeoutMs` passes; returns its exit code and output.
 */
export function runEmbedded(env: Record<string, string>, timeoutMs = 90_000) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--require', './test/helpers/swc-register.js', 'src/embedded.ts'],
      { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}
