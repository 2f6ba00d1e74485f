import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstFolderClosedTo } from '../src/infrastructure/embedded/embedded-services';

const asRoot = process.getuid?.() === 0;

/** Runs the local start (src/embedded.ts, as `npm start` does from dist) and collects its output. */
function runEmbedded(env: Record<string, string>) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--require', './test/helpers/swc-register.js', 'src/embedded.ts'],
      { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('the local start as root', () => {
  const parent = mkdtempSync(join(tmpdir(), 'pod-closed-'));
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it('finds the first folder a user cannot enter, and none in an open path', () => {
    chmodSync(parent, 0o700);
    const nobody = { uid: 65534, gid: 65534 };
    expect(firstFolderClosedTo(join(parent, 'data', 'postgres'), nobody)).toBe(parent);
    chmodSync(parent, 0o755);
    expect(firstFolderClosedTo(join(parent, 'data', 'postgres'), nobody)).toBeNull();
    chmodSync(parent, 0o700);
  });

  (asRoot ? it : it.skip)(
    'stops with one line naming the folder and the remedy when the postgres user cannot enter the data folder',
    async () => {
      chmodSync(parent, 0o700);
      const { code, out } = await runEmbedded({ DATA_DIR: join(parent, 'data'), PORT: '39123' });
      expect(code).toBe(1);
      expect(out).toContain(`cannot enter ${parent} (mode 700)`);
      expect(out).toMatch(/set DATABASE_URL/);
      expect(out).not.toMatch(/EACCES|Unhandled|\n\s+at /);
    },
  );
});
