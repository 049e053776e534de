import { fileURLToPath } from 'node:url';
import { deleteTenant, type IndexEraser } from '../privacy/erase.js';
import { EraseRepo, type TenantEraseReport } from '../store/erase.js';
import type { Store } from '../store/index.js';
import { defineCommand, ioOf, runCommand, UsageError } from './command.js';

export interface TenantDeleteDeps {
  open(): Promise<{ store: Store; index: IndexEraser | null; close(): Promise<void> }>;
  out?: (s: string) => void;
  err?: (s: string) => void;
}

class DryRun extends Error {
  constructor(readonly report: TenantEraseReport) {
    super('dry run');
  }
}

/** Counts of what deleting the tenant would remove: the deletion run in a transaction that is rolled back. */
async function preview(store: Store, tenantId: string): Promise<TenantEraseReport> {
  try {
    await store.tx(async (_r, q) => {
      throw new DryRun(await new EraseRepo(q).eraseTenant(tenantId));
    });
  } catch (e) {
    if (e instanceof DryRun) return e.report;
    throw e;
  }
  throw new Error('unreachable');
}

const summary = (r: TenantEraseReport) =>
  Object.entries(r.deleted)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `  ${t}: ${n}`)
    .join('\n') || '  (no rows)';

/**
 * `closeloop tenant delete --tenant <id> --yes`: exit 0 when deleted, 1 when the tenant is unknown, 2 on bad usage or
 * without --yes.
 */
export function commandWith(deps: TenantDeleteDeps) {
  return defineCommand({
    name: 'tenant delete',
    summary: 'delete every row of a tenant in every table, its vectors and the audit of its model calls',
    description:
      'Without --yes, prints what would be deleted and changes nothing (exit 2). Exit 0 when deleted, ' +
      "1 when the tenant is unknown. Reads the service's database and vector store from configuration " +
      '(with the embedded database, stop the service first).',
    options: {
      tenant: { type: 'string', value: 'ID', required: true, description: 'the tenant id' },
      yes: { type: 'boolean', description: 'really delete (without it: a dry run)' },
    },
    examples: ['npx closeloop tenant delete --tenant t1', 'npx closeloop tenant delete --tenant t1 --yes'],
    async handler({ values }, io) {
      const tenantId = values.tenant.trim();
      if (!tenantId) throw new UsageError('--tenant must not be empty');
      const { store, index, close } = await deps.open();
      try {
        if (!(await new EraseRepo(store.db).tenantExists(tenantId))) {
          io.err(`no tenant ${tenantId}\n`);
          return 1;
        }
        if (!values.yes) {
          const r = await preview(store, tenantId);
          io.out(
            `tenant ${tenantId} (connections: ${r.connections.join(', ') || 'none'}) would lose:\n${summary(r)}\n  and its vectors in the index\n`,
          );
          io.err('nothing deleted: re-run with --yes to delete\n');
          return 2;
        }
        const r = await deleteTenant(store, index, tenantId);
        io.out(
          `deleted tenant ${tenantId} (connections: ${r.connections.join(', ') || 'none'}):\n${summary(r)}\n  vectors: ${index ? 'deleted' : 'no index configured'}\n`,
        );
        return 0;
      } finally {
        await close();
      }
    },
  });
}

/**
 * The service's database and vector store from configuration. PGlite is single-process: with the embedded
 * database, stop the service first. pgvector chunks are deleted by SQL with the other tables; Pinecone
 * namespaces through the store.
 */
const configured: TenantDeleteDeps['open'] = async () => {
  const { readConfigFromProcess } = await import('../config/index.js');
  const { createStore, migrate, openDb } = await import('../store/index.js');
  const cfg = readConfigFromProcess({}); // the database only: no CRM app settings
  const db = await openDb({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir });
  await migrate(db, fileURLToPath(new URL('../../migrations', import.meta.url)));
  let index: IndexEraser | null = null;
  if (cfg.vectorStore.kind === 'pinecone') {
    const { PineconeVectorStore } = await import('../context/pinecone-store.js');
    index = new PineconeVectorStore({
      apiKey: cfg.vectorStore.apiKey,
      indexName: cfg.vectorStore.index,
      indexHost: cfg.vectorStore.host ?? undefined,
    });
  }
  return { store: createStore(db), index, close: () => db.close() };
};

export const command = commandWith({ open: configured });
export const runWith = (argv: string[], deps: TenantDeleteDeps): Promise<number> =>
  runCommand(commandWith(deps), argv, ioOf(deps));
export const run = (argv: string[]): Promise<number> => runCommand(command, argv);
