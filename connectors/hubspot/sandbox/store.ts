/**
 * In-memory data of one HubSpot portal: records per object type, property history, associations, owners.
 * Every write reports a `StoreChange` to the listener given at construction; webhooks.ts turns those into events.
 * Both the API routes (changeSource API) and the sandbox's "user activity" API (changeSource CRM_UI) write through
 * here.
 */
import { OBJECT_TYPES, type ObjectTypeName, type ObjectTypeDef } from './object-types.js';
import { associationType, defaultAssociationType, type AssociationTypeDef } from './association-types.js';
import { normalizeProperties } from './property-values.js';
import { crmError, objectNotFound, validationError } from './errors.js';

export type ChangeSource = 'API' | 'CRM_UI' | 'INTEGRATION' | 'IMPORT';

/**
 * Who made a change: the app itself (`API`, sourceId = app id) or a user in the CRM (`CRM_UI`, sourceId `userId:N`).
 */
export interface ChangeActor {
  changeSource: ChangeSource;
  sourceId?: string;
}

export interface PropertyVersion {
  value: string;
  timestamp: number;
  sourceType: ChangeSource;
  sourceId?: string;
}

export interface CrmRecord {
  readonly id: string;
  readonly type: ObjectTypeName;
  properties: Record<string, string>;
  /** Newest first, as `propertiesWithHistory` returns it. */
  history: Record<string, PropertyVersion[]>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt?: number;
}

export type StoreChange =
  | { kind: 'creation'; portalId: number; type: ObjectTypeName; objectId: string; at: number; actor: ChangeActor }
  | {
      kind: 'propertyChange';
      portalId: number;
      type: ObjectTypeName;
      objectId: string;
      propertyName: string;
      propertyValue: string;
      at: number;
      actor: ChangeActor;
    }
  | { kind: 'deletion'; portalId: number; type: ObjectTypeName; objectId: string; at: number; actor: ChangeActor }
  | { kind: 'restore'; portalId: number; type: ObjectTypeName; objectId: string; at: number; actor: ChangeActor }
  | {
      kind: 'merge';
      portalId: number;
      type: ObjectTypeName;
      objectId: string;
      primaryObjectId: string;
      mergedObjectIds: string[];
      at: number;
      actor: ChangeActor;
    }
  | {
      kind: 'associationChange';
      portalId: number;
      fromType: ObjectTypeName;
      fromId: string;
      toType: ObjectTypeName;
      toId: string;
      association: AssociationTypeDef;
      removed: boolean;
      at: number;
      actor: ChangeActor;
    };

export interface Owner {
  id: string;
  userId: number;
  email: string;
  firstName: string;
  lastName: string;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
}

export interface PortalInfo {
  portalId: number;
  name: string;
  domain: string;
  /** The account's time zone (Settings > Account defaults; GET /account-info/v3/details `timeZone`). */
  timeZone: string;
  /** The user who installs the app (introspection `user`, `user_id`). */
  installingUser: { userId: number; email: string };
}

/** An association written together with a record, as in `POST /crm/v3/objects/{type}` `associations[]`. */
export interface AssociationInput {
  toId: string;
  typeIds: number[];
}

export interface WriteOptions {
  /** Backdates the write (seed data); defaults to the sandbox clock. */
  at?: number;
  /** Lets the seed set read-only stamps and plant case-variant duplicate emails on purpose. */
  trusted?: boolean;
}

export interface PortalDeps {
  now: () => number;
  onChange: (change: StoreChange) => void;
  /** Search sees a write only this long after it happened (eventual consistency); 0 = at once. */
  searchLagMs?: number;
}

/** What search sees of a record: the version indexed at a given time. */
interface IndexedVersion {
  at: number;
  properties: Record<string, string>;
  archived: boolean;
}

const key = (type: ObjectTypeName, id: string) => `${type}:${id}`;

function lowerBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class Portal {
  readonly id: number;
  readonly info: PortalInfo;
  readonly owners: Owner[] = [];
  private readonly records = new Map<ObjectTypeName, Map<string, CrmRecord>>();
  private readonly order = new Map<ObjectTypeName, number[]>();
  /** `type:id` -> `toType:toId` -> association type ids (both directions are stored). */
  private readonly edges = new Map<string, Map<string, Set<number>>>();
  private nextId = 101;
  private muted = 0;
  /** Recent versions per record, newest last, for the lagging search index. */
  private readonly versions = new Map<string, IndexedVersion[]>();

  constructor(
    info: PortalInfo,
    private readonly deps: PortalDeps,
  ) {
    this.id = info.portalId;
    this.info = info;
    for (const def of Object.values(OBJECT_TYPES)) {
      this.records.set(def.name, new Map());
      this.order.set(def.name, []);
    }
  }

  now(): number {
    return this.deps.now();
  }

  addOwner(owner: Omit<Owner, 'createdAt' | 'updatedAt' | 'archived'> & { createdAt?: number }): Owner {
    const at = owner.createdAt ?? this.now();
    const full: Owner = { ...owner, createdAt: at, updatedAt: at, archived: false };
    this.owners.push(full);
    return full;
  }

  private table(type: ObjectTypeName): Map<string, CrmRecord> {
    return this.records.get(type) as Map<string, CrmRecord>;
  }

  /** A record by id; archived ones only when asked. */
  get(type: ObjectTypeName, id: string, opts: { archived?: boolean } = {}): CrmRecord | undefined {
    const rec = this.table(type).get(id);
    if (rec === undefined) return undefined;
    return rec.archived === (opts.archived ?? false) ? rec : undefined;
  }

  /** First live record whose property equals the value (case-insensitive), for `idProperty` lookups. */
  findBy(type: ObjectTypeName, property: string, value: string): CrmRecord | undefined {
    const wanted = value.toLowerCase();
    for (const rec of this.table(type).values()) {
      if (!rec.archived && rec.properties[property]?.toLowerCase() === wanted) return rec;
    }
    return undefined;
  }

  /** All records of a type in id order, live or archived. */
  *all(type: ObjectTypeName, opts: { archived?: boolean } = {}): Generator<CrmRecord> {
    const wantArchived = opts.archived ?? false;
    for (const rec of this.table(type).values()) if (rec.archived === wantArchived) yield rec;
  }

  count(type: ObjectTypeName, opts: { archived?: boolean } = {}): number {
    let n = 0;
    for (const _ of this.all(type, opts)) n += 1;
    return n;
  }

  /**
   * One page in id order starting at id `after` (inclusive, as HubSpot's list cursor); `nextAfter` is the next record's
   * id.
   */
  page(
    type: ObjectTypeName,
    opts: { after?: number; limit: number; archived: boolean },
  ): { records: CrmRecord[]; nextAfter?: string } {
    const ids = this.order.get(type) as number[];
    const table = this.table(type);
    const records: CrmRecord[] = [];
    for (let i = opts.after === undefined ? 0 : lowerBound(ids, opts.after); i < ids.length; i++) {
      const rec = table.get(String(ids[i]));
      if (rec === undefined || rec.archived !== opts.archived) continue;
      if (records.length === opts.limit) return { records, nextAfter: rec.id };
      records.push(rec);
    }
    return { records };
  }

  create(
    type: ObjectTypeName,
    input: Record<string, unknown>,
    actor: ChangeActor,
    opts: WriteOptions & { associations?: AssociationInput[] } = {},
  ): CrmRecord {
    const def = OBJECT_TYPES[type];
    const props = normalizeProperties(def, input, { mode: 'create', allowReadOnly: opts.trusted });
    if (type === 'contacts' && opts.trusted !== true) this.assertUniqueEmail(props.email, undefined);
    if (opts.trusted !== true) this.assertOwner(props);
    const associations = this.resolveInlineAssociations(type, opts.associations ?? []);

    const at = opts.at ?? this.now();
    const id = String(this.nextId++);
    const createdAt =
      props[def.createdProperty] !== undefined && props[def.createdProperty] !== ''
        ? Date.parse(props[def.createdProperty] as string)
        : at;
    const rec: CrmRecord = { id, type, properties: {}, history: {}, createdAt, updatedAt: at, archived: false };
    const userProps = Object.entries(props).filter(([, v]) => v !== '');
    for (const [name, value] of userProps) this.setValue(rec, name, value, at, actor);
    this.stampSystem(rec, def, at, actor);
    this.table(type).set(id, rec);
    (this.order.get(type) as number[]).push(Number(id));
    this.snapshot(rec, at);

    this.emit({ kind: 'creation', portalId: this.id, type, objectId: id, at, actor });
    for (const [name, value] of userProps) {
      if (!def.properties[name]?.readOnly)
        this.emit({
          kind: 'propertyChange',
          portalId: this.id,
          type,
          objectId: id,
          propertyName: name,
          propertyValue: value,
          at,
          actor,
        });
    }
    for (const a of associations) this.associate(type, id, a.toType, a.toId, a.typeIds, actor, { at });
    return rec;
  }

  update(
    type: ObjectTypeName,
    id: string,
    input: Record<string, unknown>,
    actor: ChangeActor,
    opts: WriteOptions = {},
  ): CrmRecord {
    const def = OBJECT_TYPES[type];
    const rec = this.get(type, id);
    if (rec === undefined) throw objectNotFound(id);
    const props = normalizeProperties(def, input, { mode: 'update', allowReadOnly: opts.trusted });
    if (type === 'contacts' && opts.trusted !== true) this.assertUniqueEmail(props.email, id);
    if (opts.trusted !== true) this.assertOwner(props);
    const at = opts.at ?? this.now();
    const changed = Object.entries(props).filter(([name, value]) => (rec.properties[name] ?? '') !== value);
    if (changed.length === 0) return rec;
    for (const [name, value] of changed) this.setValue(rec, name, value, at, actor);
    rec.updatedAt = at;
    this.stampSystem(rec, def, at, actor);
    this.snapshot(rec, at);
    for (const [name, value] of changed) {
      this.emit({
        kind: 'propertyChange',
        portalId: this.id,
        type,
        objectId: id,
        propertyName: name,
        propertyValue: value,
        at,
        actor,
      });
    }
    return rec;
  }

  archive(type: ObjectTypeName, id: string, actor: ChangeActor, opts: WriteOptions = {}): void {
    const rec = this.get(type, id);
    // HubSpot answers 204 for an id that is already gone; archiving is idempotent.
    if (rec === undefined) return;
    const at = opts.at ?? this.now();
    rec.archived = true;
    rec.archivedAt = at;
    rec.updatedAt = at;
    this.snapshot(rec, at);
    this.emit({ kind: 'deletion', portalId: this.id, type, objectId: id, at, actor });
  }

  /**
   * Restores an archived record (HubSpot keeps deleted records restorable for 90 days): it is live again with
   * its associations, and a `*.restore` event is sent.
   * https://developers.hubspot.com/changelog/new-subscription-types-for-webhooks
   */
  restore(type: ObjectTypeName, id: string, actor: ChangeActor, opts: WriteOptions = {}): CrmRecord {
    const rec = this.table(type).get(id);
    if (rec === undefined || !rec.archived) throw objectNotFound(id);
    const at = opts.at ?? this.now();
    rec.archived = false;
    delete rec.archivedAt;
    rec.updatedAt = at;
    this.stampSystem(rec, OBJECT_TYPES[type], at, actor);
    this.snapshot(rec, at);
    this.emit({ kind: 'restore', portalId: this.id, type, objectId: id, at, actor });
    return rec;
  }

  /**
   * Merges `mergedId` into `primaryId` (POST /crm/v3/objects/{type}/merge): the primary keeps its id and takes
   * over the merged record's associations (its activities follow it), the merged record is archived, and one
   * `*.merge` event names both.
   * https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/custom-objects/merge-custom-objects
   */
  merge(
    type: ObjectTypeName,
    primaryId: string,
    mergedId: string,
    actor: ChangeActor,
    opts: WriteOptions = {},
  ): CrmRecord {
    if (primaryId === mergedId) throw validationError('Cannot merge an object with itself.');
    const primary = this.get(type, primaryId);
    const merged = this.get(type, mergedId);
    if (primary === undefined) throw objectNotFound(primaryId);
    if (merged === undefined) throw objectNotFound(mergedId);
    const at = opts.at ?? this.now();
    this.silently(() => {
      for (const [toKey, types] of [...(this.edges.get(key(type, mergedId)) ?? new Map<string, Set<number>>())]) {
        const [toType, toId] = toKey.split(':') as [ObjectTypeName, string];
        if (toType === type && toId === primaryId) continue;
        const typeIds = [...types].filter((t) => associationType(t) !== undefined);
        if (typeIds.length > 0 && this.get(toType, toId) !== undefined)
          this.associate(type, primaryId, toType, toId, typeIds, actor, { at });
      }
      for (const [name, value] of Object.entries(merged.properties)) {
        if ((primary.properties[name] ?? '') === '' && !OBJECT_TYPES[type].properties[name]?.readOnly)
          this.setValue(primary, name, value, at, actor);
      }
    });
    const previous = primary.properties.hs_merged_object_ids;
    this.setValue(primary, 'hs_merged_object_ids', previous ? `${previous};${mergedId}` : mergedId, at, actor);
    primary.updatedAt = at;
    this.stampSystem(primary, OBJECT_TYPES[type], at, actor);
    this.snapshot(primary, at);
    merged.archived = true;
    merged.archivedAt = at;
    merged.updatedAt = at;
    this.snapshot(merged, at);
    this.emit({
      kind: 'merge',
      portalId: this.id,
      type,
      objectId: primaryId,
      primaryObjectId: primaryId,
      mergedObjectIds: [mergedId],
      at,
      actor,
    });
    return primary;
  }

  private snapshot(rec: CrmRecord, at: number): void {
    const k = key(rec.type, rec.id);
    const list = this.versions.get(k) ?? [];
    list.push({ at, properties: { ...rec.properties }, archived: rec.archived });
    if (list.length > 4) list.splice(0, list.length - 4);
    this.versions.set(k, list);
  }

  /**
   * What the search index holds for a record now: the newest version written at least `searchLagMs` ago.
   * Search results lag writes by a few seconds (https://developers.hubspot.com/docs/api-reference/search/guide).
   */
  searchView(rec: CrmRecord): { properties: Record<string, string>; archived: boolean } | undefined {
    const lag = this.deps.searchLagMs ?? 0;
    if (lag <= 0) return rec;
    const cutoff = this.now() - lag;
    const list = this.versions.get(key(rec.type, rec.id));
    if (list === undefined) return rec.updatedAt <= cutoff ? rec : undefined;
    for (let i = list.length - 1; i >= 0; i--) if ((list[i] as IndexedVersion).at <= cutoff) return list[i];
    // Every kept version is recent: the oldest is older than anything search could show, so nothing is visible
    // unless the record predates the versions we kept.
    return undefined;
  }

  /** HubSpot refuses an unknown or deactivated owner id on write. */
  private assertOwner(props: Record<string, string>): void {
    const ownerId = props.hubspot_owner_id;
    if (ownerId === undefined || ownerId === '') return;
    const owner = this.owners.find((o) => o.id === ownerId);
    if (owner === undefined || owner.archived) {
      throw validationError(
        `Property values were not valid: [{"isValid":false,"message":"${ownerId} is not a valid owner id","error":"INVALID_OWNER_ID","name":"hubspot_owner_id"}]`,
        {
          errors: [
            {
              message: `${ownerId} is not a valid owner id`,
              code: 'INVALID_OWNER_ID',
              context: { propertyName: ['hubspot_owner_id'] },
            },
          ],
        },
      );
    }
  }

  /** Deactivates an owner (the user was removed from the account): its id is refused on new writes. */
  deactivateOwner(ownerId: string): void {
    const owner = this.owners.find((o) => o.id === ownerId);
    if (owner === undefined) throw objectNotFound(ownerId);
    owner.archived = true;
    owner.updatedAt = this.now();
  }

  private setValue(rec: CrmRecord, name: string, value: string, at: number, actor: ChangeActor): void {
    if (value === '') delete rec.properties[name];
    else rec.properties[name] = value;
    const versions = rec.history[name] ?? [];
    versions.unshift({
      value,
      timestamp: at,
      sourceType: actor.changeSource,
      ...(actor.sourceId === undefined ? {} : { sourceId: actor.sourceId }),
    });
    rec.history[name] = versions;
  }

  private stampSystem(rec: CrmRecord, def: ObjectTypeDef, at: number, actor: ChangeActor): void {
    const sys: ChangeActor = { changeSource: actor.changeSource };
    if (rec.properties.hs_object_id === undefined) this.setValue(rec, 'hs_object_id', rec.id, rec.createdAt, sys);
    if (rec.properties[def.createdProperty] === undefined)
      this.setValue(rec, def.createdProperty, new Date(rec.createdAt).toISOString(), rec.createdAt, sys);
    for (const p of def.lastModifiedProperties) this.setValue(rec, p, new Date(at).toISOString(), at, sys);
  }

  private assertUniqueEmail(email: string | undefined, selfId: string | undefined): void {
    if (email === undefined || email === '') return;
    const existing = this.findBy('contacts', 'email', email);
    if (existing !== undefined && existing.id !== selfId) {
      throw crmError(409, 'CONFLICT', `Contact already exists. Existing ID: ${existing.id}`);
    }
  }

  /**
   * The inline associations of a create, checked before anything is written. A target that does not exist (never
   * did, or was deleted or merged away since: archived records cannot be associated) refuses the whole write with
   * HubSpot's `One or more associations are invalid` 400, every bad target named in `context.INVALID_OBJECT_IDS`
   * as `CONTACT=123 is not valid` (wire shape: https://github.com/HubSpot/hubspot-api-nodejs/issues/646).
   */
  private resolveInlineAssociations(
    fromType: ObjectTypeName,
    inputs: AssociationInput[],
  ): { toType: ObjectTypeName; toId: string; typeIds: number[] }[] {
    const out: { toType: ObjectTypeName; toId: string; typeIds: number[] }[] = [];
    const missing: { type: string; id: string }[] = [];
    for (const input of inputs) {
      const defs = input.typeIds.map((t) => associationType(t));
      const first = defs[0];
      if (first === undefined || defs.some((d) => d === undefined || d.from !== fromType || d.to !== first.to)) {
        throw validationError(
          `One or more association type ids ${JSON.stringify(input.typeIds)} are not valid from ${fromType}.`,
          { subCategory: 'crm.associations.INVALID_ASSOCIATION_TYPE' },
        );
      }
      if (this.get(first.to, input.toId) === undefined)
        missing.push({ type: OBJECT_TYPES[first.to].singular.toUpperCase(), id: input.toId });
      else out.push({ toType: first.to, toId: input.toId, typeIds: input.typeIds });
    }
    if (missing.length > 0) {
      throw validationError('One or more associations are invalid', {
        context: {
          INVALID_OBJECT_IDS: missing.map((m) => `${m.type}=${m.id} is not valid`),
          objectId: missing.map((m) => m.id),
          objectType: missing.map((m) => m.type),
        },
      });
    }
    return out;
  }

  /** Association type ids from one record to another (live records only). */
  typesBetween(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName, toId: string): number[] {
    return [...(this.edges.get(key(fromType, fromId))?.get(key(toType, toId)) ?? [])].sort((a, b) => a - b);
  }

  /** Live records associated to `fromId`, in ascending id order, with their type ids. */
  associationsOf(
    fromType: ObjectTypeName,
    fromId: string,
    toType: ObjectTypeName,
  ): Array<{ toId: string; typeIds: number[] }> {
    const out: Array<{ toId: string; typeIds: number[] }> = [];
    const prefix = `${toType}:`;
    for (const [k, types] of this.edges.get(key(fromType, fromId)) ?? []) {
      if (!k.startsWith(prefix) || types.size === 0) continue;
      const toId = k.slice(prefix.length);
      if (this.get(toType, toId) === undefined) continue;
      out.push({ toId, typeIds: [...types].sort((a, b) => a - b) });
    }
    return out.sort((a, b) => Number(a.toId) - Number(b.toId));
  }

  /**
   * Adds association types between two live records, in both directions. Any label implies the unlabeled default,
   * as in HubSpot v4; a primary type moves away from whichever record held it before.
   */
  associate(
    fromType: ObjectTypeName,
    fromId: string,
    toType: ObjectTypeName,
    toId: string,
    typeIds: number[],
    actor: ChangeActor,
    opts: WriteOptions = {},
  ): number[] {
    if (this.get(fromType, fromId) === undefined) throw objectNotFound(fromId);
    if (this.get(toType, toId) === undefined) throw objectNotFound(toId);
    const defs = typeIds.map((t) => associationType(t));
    if (defs.some((d) => d === undefined || d.from !== fromType || d.to !== toType)) {
      throw validationError(
        `Association type ids ${JSON.stringify(typeIds)} are not valid between ${fromType} and ${toType}.`,
        { subCategory: 'crm.associations.INVALID_ASSOCIATION_TYPE' },
      );
    }
    const fallback = defaultAssociationType(fromType, toType);
    if (fallback === undefined) throw validationError(`${fromType} cannot be associated with ${toType}.`);
    const wanted = new Map<number, AssociationTypeDef>([[fallback.typeId, fallback]]);
    for (const d of defs as AssociationTypeDef[]) wanted.set(d.typeId, d);
    const at = opts.at ?? this.now();
    for (const d of wanted.values()) {
      if (d.isPrimary) {
        for (const other of this.associationsOf(fromType, fromId, toType)) {
          if (other.toId !== toId && other.typeIds.includes(d.typeId))
            this.removeTypes(fromType, fromId, toType, other.toId, [d.typeId], actor, at);
        }
      }
      this.addType(fromType, fromId, toType, toId, d, actor, at);
    }
    return this.typesBetween(fromType, fromId, toType, toId);
  }

  /** Removes the given types (or all of them); removing the unlabeled default removes the whole association. */
  unassociate(
    fromType: ObjectTypeName,
    fromId: string,
    toType: ObjectTypeName,
    toId: string,
    actor: ChangeActor,
    typeIds?: number[],
    opts: WriteOptions = {},
  ): void {
    const current = this.typesBetween(fromType, fromId, toType, toId);
    const fallback = defaultAssociationType(fromType, toType);
    const removeAll = typeIds === undefined || (fallback !== undefined && typeIds.includes(fallback.typeId));
    this.removeTypes(
      fromType,
      fromId,
      toType,
      toId,
      removeAll ? current : current.filter((t) => typeIds.includes(t)),
      actor,
      opts.at ?? this.now(),
    );
  }

  private addType(
    fromType: ObjectTypeName,
    fromId: string,
    toType: ObjectTypeName,
    toId: string,
    d: AssociationTypeDef,
    actor: ChangeActor,
    at: number,
  ): void {
    const inverse = associationType(d.inverse) as AssociationTypeDef;
    const forward = this.edgeSet(fromType, fromId, toType, toId);
    if (forward.has(d.typeId)) return;
    forward.add(d.typeId);
    this.edgeSet(toType, toId, fromType, fromId).add(inverse.typeId);
    this.emitAssociation({ fromType, fromId, toType, toId }, d, inverse, false, at, actor);
  }

  private removeTypes(
    fromType: ObjectTypeName,
    fromId: string,
    toType: ObjectTypeName,
    toId: string,
    typeIds: number[],
    actor: ChangeActor,
    at: number,
  ): void {
    const forward = this.edgeSet(fromType, fromId, toType, toId);
    const backward = this.edgeSet(toType, toId, fromType, fromId);
    for (const typeId of typeIds) {
      const d = associationType(typeId);
      if (d === undefined || !forward.delete(typeId)) continue;
      const inverse = associationType(d.inverse) as AssociationTypeDef;
      backward.delete(inverse.typeId);
      this.emitAssociation({ fromType, fromId, toType, toId }, d, inverse, true, at, actor);
    }
  }

  /**
   * HubSpot reports an association change once per side (contact.associationChange Sam -> BlorgCorp and
   * company.associationChange BlorgCorp -> Sam): https://developers.hubspot.com/changelog/bugfix-webhook-associationchanges
   */
  private emitAssociation(
    e: { fromType: ObjectTypeName; fromId: string; toType: ObjectTypeName; toId: string },
    d: AssociationTypeDef,
    inverse: AssociationTypeDef,
    removed: boolean,
    at: number,
    actor: ChangeActor,
  ): void {
    const base = { kind: 'associationChange', portalId: this.id, removed, at, actor } as const;
    this.emit({ ...base, ...e, association: d });
    this.emit({
      ...base,
      fromType: e.toType,
      fromId: e.toId,
      toType: e.fromType,
      toId: e.fromId,
      association: inverse,
    });
  }

  private edgeSet(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName, toId: string): Set<number> {
    const fromKey = key(fromType, fromId);
    let targets = this.edges.get(fromKey);
    if (targets === undefined) {
      targets = new Map();
      this.edges.set(fromKey, targets);
    }
    const toKey = key(toType, toId);
    let set = targets.get(toKey);
    if (set === undefined) {
      set = new Set();
      targets.set(toKey, set);
    }
    return set;
  }

  /** Runs writes without reporting changes: data that existed before the app was installed sends no webhooks. */
  silently<T>(fn: () => T): T {
    this.muted += 1;
    try {
      return fn();
    } finally {
      this.muted -= 1;
    }
  }

  private emit(change: StoreChange): void {
    if (this.muted === 0) this.deps.onChange(change);
  }
}
