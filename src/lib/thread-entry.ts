import { parentPort, type TransferListItem } from 'node:worker_threads';

/**
 * The thread side of src/lib/thread-pool.ts: answers each request with `handle`'s result (and the buffers it
 * names for transfer, so large typed arrays move instead of being copied), or with the error's message.
 */
export function serveRequests<Req, Res>(
  handle: (
    request: Req,
  ) => Promise<{ result: Res; transfer?: TransferListItem[] }> | { result: Res; transfer?: TransferListItem[] },
): void {
  parentPort!.on('message', async (m: { id: number; request: Req }) => {
    try {
      const { result, transfer } = await handle(m.request);
      parentPort!.postMessage({ id: m.id, ok: true, result }, transfer ?? []);
    } catch (e) {
      parentPort!.postMessage({ id: m.id, ok: false, error: { message: (e as Error)?.message ?? String(e) } });
    }
  });
}
