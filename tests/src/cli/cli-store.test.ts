import { withStore } from '../../../src/cli/cli-store.js';

/**
 * Every admin command opens the store through `withStore`: it is closed once, whether the command returns or throws.
 */
function fakeStore() {
  const events: string[] = [];
  return {
    events,
    deps: {
      openStore: async () => {
        events.push('open');
        return {
          store: { name: 's' },
          close: async () => {
            events.push('close');
          },
        };
      },
    },
  };
}

test('the command runs with the opened store, then the store is closed, and its result is returned', async () => {
  const f = fakeStore();
  expect(
    await withStore(f.deps, async (store) => {
      f.events.push(`run ${store.name}`);
      return 3;
    }),
  ).toBe(3);
  expect(f.events).toEqual(['open', 'run s', 'close']);
});

test('a failing command still closes the store, and its error is what the caller sees', async () => {
  const f = fakeStore();
  await expect(
    withStore(f.deps, async () => {
      throw new Error('no such token');
    }),
  ).rejects.toThrow('no such token');
  expect(f.events).toEqual(['open', 'close']);
});

test('a store that cannot be opened runs nothing and closes nothing', async () => {
  let ran = false;
  await expect(
    withStore(
      {
        openStore: async () => {
          throw new Error('database locked');
        },
      },
      async () => {
        ran = true;
      },
    ),
  ).rejects.toThrow('database locked');
  expect(ran).toBe(false);
});

test('the configured embedded database is not created by an admin command: it fails saying where it looked', async () => {
  const { mkdtempSync, existsSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { configuredStore } = await import('../../../src/cli/cli-store.js');
  const dir = mkdtempSync(join(tmpdir(), 'closeloop-no-db-'));
  const before = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };
  process.env.DATA_DIR = dir;
  delete process.env.DATABASE_URL;
  try {
    await expect(configuredStore()).rejects.toThrow(
      `no closeloop database in ${dir} (DATA_DIR, default ./data): run this command in the folder the service runs in, ` +
        'or set DATA_DIR (or DATABASE_URL) to its database; `closeloop migrate` creates a new one',
    );
    expect(existsSync(join(dir, 'pglite'))).toBe(false);
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});
