/**
 * Typed access to portal data for tests and the demo, acting as a user in the CRM: every write carries
 * `changeSource: CRM_UI` and `sourceId: userId:N`, so it produces webhooks exactly like a rep clicking in HubSpot.
 */
import { defaultAssociationType } from './association-types.js';
import { crmError } from './errors.js';
import type { ObjectTypeName } from './object-types.js';
import type { AssociationInput, ChangeActor, CrmRecord, Owner, Portal } from './store.js';

export interface SandboxRecord {
  id: string;
  type: ObjectTypeName;
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface UserAssociation {
  toType: ObjectTypeName;
  toId: string;
  /** HubSpot-defined type ids; the unlabeled default for the pair when omitted. */
  typeIds?: number[];
}

export interface UserWriteOptions {
  /** Acting user id (defaults to the portal's installing user); use an owner's userId to act as that rep. */
  userId?: number;
  /** Override the change source, e.g. `IMPORT` or `INTEGRATION`. */
  actor?: ChangeActor;
  /** Backdate the write (epoch ms). */
  at?: number;
}

export interface SandboxStore {
  portal(portalId: number): Portal;
  get(portalId: number, type: ObjectTypeName, id: string, opts?: { archived?: boolean }): SandboxRecord | undefined;
  list(portalId: number, type: ObjectTypeName, opts?: { archived?: boolean }): SandboxRecord[];
  create(
    portalId: number,
    type: ObjectTypeName,
    properties: Record<string, string | number>,
    opts?: UserWriteOptions & { associations?: UserAssociation[] },
  ): SandboxRecord;
  update(
    portalId: number,
    type: ObjectTypeName,
    id: string,
    properties: Record<string, string | number>,
    opts?: UserWriteOptions,
  ): SandboxRecord;
  archive(portalId: number, type: ObjectTypeName, id: string, opts?: UserWriteOptions): void;
  /** A user restores a deleted record (from the recycle bin): a `*.restore` event follows. */
  restore(portalId: number, type: ObjectTypeName, id: string, opts?: UserWriteOptions): SandboxRecord;
  /** A user merges `mergedId` into `primaryId`: one `*.merge` event; the merged record is archived. */
  merge(
    portalId: number,
    type: ObjectTypeName,
    primaryId: string,
    mergedId: string,
    opts?: UserWriteOptions,
  ): SandboxRecord;
  associate(
    portalId: number,
    from: { type: ObjectTypeName; id: string },
    to: UserAssociation,
    opts?: UserWriteOptions,
  ): number[];
  unassociate(
    portalId: number,
    from: { type: ObjectTypeName; id: string },
    to: { toType: ObjectTypeName; toId: string },
    opts?: UserWriteOptions,
  ): void;
  associations(
    portalId: number,
    from: { type: ObjectTypeName; id: string },
    toType: ObjectTypeName,
  ): Array<{ toId: string; typeIds: number[] }>;
  owners(portalId: number): Owner[];
}

export function toSandboxRecord(rec: CrmRecord): SandboxRecord {
  return {
    id: rec.id,
    type: rec.type,
    properties: { ...rec.properties },
    createdAt: new Date(rec.createdAt).toISOString(),
    updatedAt: new Date(rec.updatedAt).toISOString(),
    archived: rec.archived,
  };
}

export function createUserStore(lookup: (portalId: number) => Portal | undefined): SandboxStore {
  const portalOf = (portalId: number): Portal => {
    const p = lookup(portalId);
    if (p === undefined) throw crmError(404, 'OBJECT_NOT_FOUND', `Portal ${portalId} does not exist in this sandbox`);
    return p;
  };
  const actorOf = (portal: Portal, opts: UserWriteOptions = {}): ChangeActor =>
    opts.actor ?? { changeSource: 'CRM_UI', sourceId: `userId:${opts.userId ?? portal.info.installingUser.userId}` };
  const typeIdsFor = (from: ObjectTypeName, a: UserAssociation): number[] => {
    if (a.typeIds !== undefined && a.typeIds.length > 0) return a.typeIds;
    const def = defaultAssociationType(from, a.toType);
    if (def === undefined) throw crmError(400, 'VALIDATION_ERROR', `${from} cannot be associated with ${a.toType}`);
    return [def.typeId];
  };

  return {
    portal: portalOf,
    get(portalId, type, id, opts) {
      const rec = portalOf(portalId).get(type, id, opts);
      return rec === undefined ? undefined : toSandboxRecord(rec);
    },
    list(portalId, type, opts) {
      return [...portalOf(portalId).all(type, opts)].map(toSandboxRecord);
    },
    create(portalId, type, properties, opts = {}) {
      const portal = portalOf(portalId);
      const associations: AssociationInput[] = (opts.associations ?? []).map((a) => ({
        toId: a.toId,
        typeIds: typeIdsFor(type, a),
      }));
      return toSandboxRecord(portal.create(type, properties, actorOf(portal, opts), { associations, at: opts.at }));
    },
    update(portalId, type, id, properties, opts = {}) {
      const portal = portalOf(portalId);
      return toSandboxRecord(portal.update(type, id, properties, actorOf(portal, opts), { at: opts.at }));
    },
    archive(portalId, type, id, opts = {}) {
      const portal = portalOf(portalId);
      portal.archive(type, id, actorOf(portal, opts), { at: opts.at });
    },
    restore(portalId, type, id, opts = {}) {
      const portal = portalOf(portalId);
      return toSandboxRecord(portal.restore(type, id, actorOf(portal, opts), { at: opts.at }));
    },
    merge(portalId, type, primaryId, mergedId, opts = {}) {
      const portal = portalOf(portalId);
      return toSandboxRecord(portal.merge(type, primaryId, mergedId, actorOf(portal, opts), { at: opts.at }));
    },
    associate(portalId, from, to, opts = {}) {
      const portal = portalOf(portalId);
      return portal.associate(
        from.type,
        from.id,
        to.toType,
        to.toId,
        typeIdsFor(from.type, to),
        actorOf(portal, opts),
        { at: opts.at },
      );
    },
    unassociate(portalId, from, to, opts = {}) {
      const portal = portalOf(portalId);
      portal.unassociate(from.type, from.id, to.toType, to.toId, actorOf(portal, opts), undefined, { at: opts.at });
    },
    associations(portalId, from, toType) {
      return portalOf(portalId).associationsOf(from.type, from.id, toType);
    },
    owners(portalId) {
      return [...portalOf(portalId).owners];
    },
  };
}
