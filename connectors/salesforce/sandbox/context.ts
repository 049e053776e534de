/** Shared state of one running sandbox, handed to every route module. */
import type { Response } from 'express';
import type { Bulk2Jobs } from './bulk2.js';
import type { CometdHub } from './cdc.js';
import type { Org } from './org.js';
import type { OutboundDispatcher } from './outbound.js';
import type { QueryCursors } from './query.js';
import type { Session, SessionManager } from './sessions.js';
import type { ChangeContext } from './store.js';

export const API_VERSION = '62.0';

export interface SandboxContext {
  baseUrl: string;
  now: () => number;
  clientId: string;
  clientSecret: string;
  /** null: any redirect_uri is accepted */
  redirectUris: string[] | null;
  orgs: Map<string, Org>;
  sessions: SessionManager;
  log: (message: string) => void;
  cometd: CometdHub;
  outbound: OutboundDispatcher;
  bulk: Bulk2Jobs;
  cursors: QueryCursors;
}

/** What the REST auth middleware resolved for the current request. */
export interface RestState {
  org: Org;
  session: Session;
  apiVersion: string;
  change: ChangeContext;
}

export function restState(res: Response): RestState {
  const state = res.locals.sf as RestState | undefined;
  if (!state) throw new Error('REST route reached without the auth middleware');
  return state;
}

export function firstOrg(ctx: SandboxContext): Org {
  const org = ctx.orgs.values().next().value;
  if (!org) throw new Error('the sandbox has no org');
  return org;
}
