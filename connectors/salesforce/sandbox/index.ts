/**
 * A local Salesforce org server that the unmodified `jsforce` client works against: OAuth (web server flow + PKCE),
 * REST sObjects, SOQL with paging, sObject Collections, getUpdated/getDeleted, Bulk API 2.0 query jobs, API limits,
 * Change Data Capture over CometD with replay, and Outbound Messages. See README.md for the choices made.
 */
import type { AddressInfo, Socket } from 'node:net';
import { Bulk2Jobs } from './bulk2.js';
import { CometdHub } from './cdc.js';
import { type SandboxContext, API_VERSION } from './context.js';
import { KEY_PREFIX, to18 } from './ids.js';
import { Org } from './org.js';
import { OutboundDispatcher } from './outbound.js';
import { QueryCursors } from './query.js';
import type { SObjectType } from './schema.js';
import { seedDemoOrg } from './seed.js';
import { createSandboxServer } from './server.js';
import { SessionManager } from './sessions.js';
import { type OutputRecord, executeSoql } from './soql/evaluate.js';
import type { SObjectRecord } from './store.js';

export type { SObjectType } from './schema.js';
export type { FieldValue, SObjectRecord } from './store.js';
export { SalesforceApiError } from './errors.js';
export { seedDemoOrg } from './seed.js';
export { playDemoActivity } from './demo.js';
export { API_VERSION };

export interface SalesforceSandboxOptions {
  port?: number;
  host?: string;
  clientId: string;
  clientSecret: string;
  /** Allowed redirect URIs; omitted = any. */
  redirectUris?: string[];
  /** Session timeout (inactivity), default 7200 s. */
  sessionTtlSec?: number;
  /** Rolling 24-hour API request allowance per org, default 15000 (Developer Edition). */
  dailyApiAllowance?: number;
  now?: () => number;
  seed?: 'demo' | 'empty';
  outboundMessageUrl?: string | null;
  outboundRetryBaseMs?: number;
  /** Attempts before an undelivered outbound message is dropped (the platform gives up after 24 h), default 10. */
  outboundMaxAttempts?: number;
  outboundTimeoutMs?: number;
  /** Wall-clock time a Bulk API 2.0 query job takes to reach JobComplete, default 300 ms. */
  bulkProcessingMs?: number;
  /** Bulk API 2.0 results page size when the client sends no maxRecords, and the most one page holds, default 10000. */
  bulkDefaultMaxRecords?: number;
  logger?: (m: string) => void;
}

/** Acting user and change origin for a write made "in the UI" (CDC changeOrigin '' unless given). */
export interface ActAs {
  userId?: string;
  changeOrigin?: string;
}

/** The user-activity API: what a person clicking in Salesforce would do, with CDC events and outbound messages. */
export interface SandboxStore {
  create(orgId: string, type: SObjectType, fields: Record<string, unknown>, as?: ActAs): string;
  /**
   * A record that was already there (as the seed writes history): no validation, no CDC event, no outbound message,
   * created and last modified at `at` (default a day ago).
   */
  history(orgId: string, type: SObjectType, fields: Record<string, unknown>, at?: number): string;
  update(orgId: string, type: SObjectType, id: string, fields: Record<string, unknown>, as?: ActAs): void;
  delete(orgId: string, type: SObjectType, id: string, as?: ActAs): void;
  get(orgId: string, type: SObjectType, id: string, opts?: { includeDeleted?: boolean }): SObjectRecord | undefined;
  list(orgId: string, type: SObjectType, opts?: { includeDeleted?: boolean }): SObjectRecord[];
  /** Runs SOQL as the REST query endpoint would (no paging, no API allowance). */
  query(orgId: string, soql: string, opts?: { includeDeleted?: boolean }): OutputRecord[];
  users(orgId: string): SObjectRecord[];
  adminUserId(orgId: string): string;
  /** The newest CDC replay id of the org (0 before any change). */
  latestReplayId(orgId: string): number;
  /** CometD channels the org's connected clients are subscribed to right now. */
  cdcSubscriptions(orgId: string): string[];
  /**
   * An admin's field setup: not created or hidden from the API user by field-level security ('absent': describe omits
   * it, SOQL and Bulk API queries naming it fail with INVALID_FIELD "No such column", writes get INVALID_FIELD), no
   * edit access for the API user ('readonly'), or back to normal ('editable').
   */
  setFieldAccess(orgId: string, type: SObjectType, field: string, access: 'absent' | 'readonly' | 'editable'): void;
  /**
   * Another transaction takes the lock of a record (a long data load, a trigger): until the returned release is
   * called, writes that need it (the record, or a child pointing at it, such as a Task whose WhatId it is) fail with
   * 400 UNABLE_TO_LOCK_ROW.
   */
  holdRecordLock(orgId: string, recordId: string): () => void;
  /**
   * An admin activates a validation rule on `type`: a create or update whose record (as it would be saved) makes
   * `when` true fails with 400 FIELD_CUSTOM_VALIDATION_EXCEPTION and `message` (`field`: its error location). The
   * returned function deactivates it.
   */
  addValidationRule(
    orgId: string,
    type: SObjectType,
    when: (record: Readonly<SObjectRecord>) => boolean,
    message: string,
    opts?: { field?: string },
  ): () => void;
}

export interface SalesforceSandbox {
  url: string;
  orgIds(): string[];
  createOrg(opts?: { seed?: 'demo' | 'empty'; name?: string }): string;
  /** Give or take Modify All Data from a user (the org's admin holds it from the start). */
  setModifyAllData(orgId: string, userId: string, granted: boolean): void;
  store: SandboxStore;
  setOutboundMessageUrl(url: string | null): void;
  /** Per-org outbound configuration: listener URL and object → selected fields. */
  configureOutboundMessages(
    orgId: string,
    config: { url?: string | null; objects?: Partial<Record<SObjectType, readonly string[]>> },
  ): void;
  flushOutbound(): Promise<void>;
  expireSessions(): void;
  resetAllowance(orgId?: string): void;
  /**
   * The org's API requests counted in the current rolling day, and its allowance (what `Sforce-Limit-Info` reports).
   */
  apiUsage(orgId: string): { used: number; max: number };
  /**
   * The org's API requests by kind (`query Contact`, `bulk2 results`, `describe Task`...): since the sandbox started,
   * or those made between `from` and `to` (wall-clock ms; the latest 50,000 requests are kept with their time).
   */
  apiCalls(orgId: string, span?: { from: number; to: number }): Record<string, number>;
  /**
   * Spends the org's daily API allowance, leaving `remaining` requests (default 0): the next ones get 403
   * REQUEST_LIMIT_EXCEEDED.
   */
  exhaustAllowance(orgId?: string, remaining?: number): void;
  /** Bulk API 2.0: serve `pages` more results pages, then fail the next `times` results requests with `status`. */
  failBulkResultsAfter(pages: number, status?: number, times?: number): void;
  close(): Promise<void>;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function orgIdFor(index: number): { id: string; pod: string } {
  const pod = BASE62.charAt((index * 7 + 41) % 62) + BASE62.charAt((index * 13 + 17) % 62);
  const counter = String(index + 1).padStart(9, '0');
  return { id: to18(`${KEY_PREFIX.Organization}${pod}0${counter}`), pod };
}

/** Starts the sandbox on host:port (port 0 = ephemeral) with one org, seeded unless `seed: 'empty'`. */
export async function startSalesforceSandbox(opts: SalesforceSandboxOptions): Promise<SalesforceSandbox> {
  const now = opts.now ?? Date.now;
  const log = opts.logger ?? (() => undefined);
  const host = opts.host ?? '127.0.0.1';
  const sessions = new SessionManager(now, (opts.sessionTtlSec ?? 7200) * 1000);
  const ctx: SandboxContext = {
    baseUrl: '',
    now,
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    redirectUris: opts.redirectUris ?? null,
    orgs: new Map(),
    sessions,
    log,
    cometd: new CometdHub(sessions, now, log, (orgId, n) => {
      const org = ctx.orgs.get(orgId);
      if (org) org.allowance.deliveredEvents += n;
    }),
    outbound: new OutboundDispatcher({
      baseUrl: () => ctx.baseUrl,
      now,
      retryBaseMs: opts.outboundRetryBaseMs ?? 1000,
      maxAttempts: opts.outboundMaxAttempts ?? 10,
      timeoutMs: opts.outboundTimeoutMs ?? 5000,
      log,
    }),
    bulk: new Bulk2Jobs(
      { now },
      { processingMs: opts.bulkProcessingMs ?? 300, defaultMaxRecords: opts.bulkDefaultMaxRecords ?? 10_000 },
    ),
    cursors: new QueryCursors(now),
  };
  let outboundUrl = opts.outboundMessageUrl ?? null;

  const server = createSandboxServer(ctx);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  ctx.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const requireOrg = (orgId: string): Org => {
    const org = ctx.orgs.get(orgId);
    if (!org) throw new Error(`unknown org ${orgId}`);
    return org;
  };

  const createOrg = (o?: { seed?: 'demo' | 'empty'; name?: string }): string => {
    const index = ctx.orgs.size;
    const { id, pod } = orgIdFor(index);
    const org = new Org(
      id,
      index,
      o?.name ?? (index === 0 ? 'SellerCo Demo' : `SellerCo Demo ${index + 1}`),
      now(),
      pod,
      opts.dailyApiAllowance ?? 15_000,
      now,
    );
    ctx.orgs.set(id, org);
    if ((o?.seed ?? opts.seed ?? 'demo') === 'demo') seedDemoOrg(org, { now: now() });
    org.store.onChange((change) => {
      ctx.cometd.publish(org.id, change);
      ctx.outbound.onChange(org, change);
    });
    ctx.outbound.configure(org.id, { url: outboundUrl });
    log(`org ${id} created`);
    return id;
  };

  const actAs = (org: Org, as?: ActAs): { userId: string; changeOrigin: string } => ({
    userId: as?.userId ?? org.adminUserId,
    changeOrigin: as?.changeOrigin ?? '',
  });

  const store: SandboxStore = {
    create: (orgId, type, fields, as) => {
      const org = requireOrg(orgId);
      return org.store.create(type, fields, actAs(org, as));
    },
    history: (orgId, type, fields, at) => {
      const org = requireOrg(orgId);
      const t = at ?? now() - 86_400_000;
      return org.store.insertHistorical(type, fields as SObjectRecord, t, t, org.adminUserId);
    },
    update: (orgId, type, id, fields, as) => {
      const org = requireOrg(orgId);
      org.store.update(type, id, fields, actAs(org, as));
    },
    delete: (orgId, type, id, as) => {
      const org = requireOrg(orgId);
      org.store.delete(type, id, actAs(org, as));
    },
    get: (orgId, type, id, o) => requireOrg(orgId).store.get(type, id, o?.includeDeleted ?? false),
    list: (orgId, type, o) => requireOrg(orgId).store.all(type, o?.includeDeleted ?? false),
    query: (orgId, soql, o) =>
      executeSoql(soql, {
        store: requireOrg(orgId).store,
        now: now(),
        includeDeleted: o?.includeDeleted ?? false,
        apiVersion: API_VERSION,
      }).records,
    users: (orgId) => requireOrg(orgId).store.all('User'),
    adminUserId: (orgId) => requireOrg(orgId).adminUserId,
    latestReplayId: (orgId) => ctx.cometd.logFor(orgId).latestReplayId,
    cdcSubscriptions: (orgId) => ctx.cometd.subscriptions(orgId),
    setFieldAccess: (orgId, type, field, access) => {
      const key = `${type}.${field}`.toLowerCase();
      if (access === 'editable') requireOrg(orgId).store.fieldAccess.delete(key);
      else requireOrg(orgId).store.fieldAccess.set(key, access);
    },
    addValidationRule: (orgId, type, when, message, opts = {}) => {
      const rules = requireOrg(orgId).store.validationRules;
      const rule = { type, when, message, field: opts.field };
      rules.push(rule);
      return () => {
        const i = rules.indexOf(rule);
        if (i >= 0) rules.splice(i, 1);
      };
    },
    holdRecordLock: (orgId, recordId) => {
      const locks = requireOrg(orgId).store.locks;
      locks.set(recordId, (locks.get(recordId) ?? 0) + 1);
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        const left = (locks.get(recordId) ?? 1) - 1;
        if (left > 0) locks.set(recordId, left);
        else locks.delete(recordId);
      };
    },
  };

  createOrg();

  return {
    url: ctx.baseUrl,
    orgIds: () => [...ctx.orgs.keys()],
    setModifyAllData: (orgId, userId, granted) => {
      const org = ctx.orgs.get(orgId);
      if (!org) throw new Error(`no org ${orgId}`);
      if (granted) org.modifyAllDataUsers.add(userId);
      else org.modifyAllDataUsers.delete(userId);
    },
    createOrg,
    store,
    setOutboundMessageUrl: (url) => {
      outboundUrl = url;
      for (const id of ctx.orgs.keys()) ctx.outbound.configure(id, { url });
    },
    configureOutboundMessages: (orgId, config) => {
      requireOrg(orgId);
      ctx.outbound.configure(orgId, {
        ...(config.url !== undefined ? { url: config.url } : {}),
        ...(config.objects ? { objects: config.objects } : {}),
      });
    },
    flushOutbound: () => ctx.outbound.flush(),
    expireSessions: () => sessions.expireAll(),
    apiUsage: (orgId) => {
      const a = requireOrg(orgId).allowance;
      return { used: a.used, max: a.max };
    },
    apiCalls: (orgId, span) => {
      const a = requireOrg(orgId).allowance;
      if (!span) return Object.fromEntries(a.byKind);
      const out: Record<string, number> = {};
      for (const c of a.callLog) if (c.at >= span.from && c.at <= span.to) out[c.kind] = (out[c.kind] ?? 0) + 1;
      return out;
    },
    resetAllowance: (orgId) => {
      for (const org of ctx.orgs.values()) if (!orgId || org.id === orgId) org.allowance.reset();
    },
    exhaustAllowance: (orgId, remaining = 0) => {
      for (const org of ctx.orgs.values()) if (!orgId || org.id === orgId) org.allowance.spend(remaining);
    },
    failBulkResultsAfter: (pages, status, times) => ctx.bulk.failResultsAfter(pages, status, times),
    close: async () => {
      ctx.outbound.close();
      ctx.cometd.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Upgraded sockets (faye's WebSocket probe) are invisible to closeAllConnections(), so destroy every socket.
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
