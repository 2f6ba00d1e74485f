import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * The child processes of a bench run (API, worker, raw baseline): every one is stopped when the
 * run ends, fails or is interrupted, by its own pid, never by name.
 */
export interface Service {
  name: string;
  child: ChildProcess;
  pid: number;
  /** The last lines the process wrote, for the error message when it dies. */
  output: () => string;
  stop: () => Promise<void>;
}

const running = new Set<Service>();

export function spawnService(
  name: string,
  script: string,
  args: string[],
  env: Record<string, string>,
  opts: { cwd?: string; echo?: boolean; nodeArgs?: string[] } = {},
): Service {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), script, ...args], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 40) lines.shift();
      if (opts.echo) process.stderr.write(`[${name}] ${line}\n`);
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const service: Service = {
    name,
    child,
    pid: child.pid,
    output: () => lines.join('\n'),
    stop: async () => {
      running.delete(service);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => {
        process.stderr.write(`${name} did not stop within 8 s of SIGTERM: killed\n`);
        child.kill('SIGKILL');
      }, 8_000);
      await exited;
      clearTimeout(killer);
    },
  };
  running.add(service);
  return service;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
}

/** Ctrl-C, a kill or a crash of the runner still stops every child. */
export function stopChildrenOnExit(): void {
  const stopNow = () => {
    for (const s of running) s.child.kill('SIGTERM');
  };
  process.once('exit', stopNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping the bench's processes\n`);
      void stopAll().finally(() => process.exit(130));
    });
  }
}

/** Polls `url` until it answers 200, failing early if the process dies. */
export async function waitForHttp(
  url: string,
  service: Service,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (service.child.exitCode !== null) {
      throw new Error(
        `${service.name} exited with code ${service.child.exitCode}:\n${service.output()}`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${service.name} did not answer ${url} in ${timeoutMs / 1000} s:\n${service.output()}`,
      );
    }
    await sleep(200);
  }
}

/** A TCP port free on 127.0.0.1 right now (the API takes its port from the environment). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resident set size of a process in MB: /proc on Linux, `ps` elsewhere. */
export async function rssMb(pid: number): Promise<number | null> {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (match) return Number(match[1]) / 1024;
  } catch {
    // not Linux, or the process is gone
  }
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'rss=', '-p', String(pid)], (error, stdout) => {
      const kb = Number(stdout.trim());
      resolve(error || !Number.isFinite(kb) || kb === 0 ? null : kb / 1024);
    });
  });
}

let ticksPerSecond: number | undefined;

/**
 * CPU time (user + system) a process has used so far, in ms, from /proc (Linux); null elsewhere.
 * Unlike throughput, it hardly moves when other work shares the machine.
 */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at ")"; utime and stime are
    // fields 14 and 15 of the line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `everyMs` (50 ms by default) and keeps the peak. */
export class RssSampler {
  private peak = 0;
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(
    private readonly pid: number,
    private readonly everyMs = 50,
  ) {}

  start(): this {
    this.peak = 0;
    const sample = async () => {
      if (this.busy) return;
      this.busy = true;
      try {
        const mb = await rssMb(this.pid);
        if (mb !== null && mb > this.peak) this.peak = mb;
      } finally {
        this.busy = false;
      }
    };
    void sample();
    this.timer = setInterval(() => void sample(), this.everyMs);
    return this;
  }

  async stop(): Promise<number> {
    if (this.timer) clearInterval(this.timer);
    const mb = await rssMb(this.pid);
    if (mb !== null && mb > this.peak) this.peak = mb;
    return this.peak;
  }
}
