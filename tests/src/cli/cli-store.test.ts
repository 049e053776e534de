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
