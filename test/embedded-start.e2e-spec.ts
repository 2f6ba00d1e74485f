import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstFolderClosedTo } from '../src/infrastructure/embedded/embedded-services';
import { runEmbedded } from './helpers/run-embedded';

const asRoot = process.getuid?.() === 0;

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
