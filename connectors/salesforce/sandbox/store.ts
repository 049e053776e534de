/**
 * One org's records: validation of writes (field names, kinds, picklists, references), platform-maintained fields
 * (audit stamps, Name, Opportunity stage facts, activity AccountId, EmailMessageRelation rows) and the change feed
 * that CDC and Outbound Messages listen to.
 */
import { randomUUID } from 'node:crypto';
import { SalesforceApiError } from './errors.js';
import { type IdFactory, KEY_PREFIX, isValidId, to18 } from './ids.js';
import { CLOSED_TASK_STATUSES, EMAIL_STATUS, stageByName } from './picklists.js';
import { type FieldDef, type SObjectDef, type SObjectType, findSObject, sobjectDef, typeForId } from './schema.js';
import { formatDate, formatDateTime, parseDate, parseDateTime, truncateToSecond } from './time.js';

export type FieldValue = string | number | boolean | null | string[];
export type SObjectRecord = Record<string, FieldValue>;

/** Who made a change and through which door (the CDC `changeOrigin`; '' for changes made in the UI). */
export interface ChangeContext {
  userId: string;
  changeOrigin: string;
}

export type ChangeType = 'CREATE' | 'UPDATE' | 'DELETE';

/** An org validation rule: `when` is its error condition formula, true = the save is refused. */
export interface ValidationRule {
  type: SObjectType;
  when: (record: Readonly<SObjectRecord>) => boolean;
  message: string;
  /** Error location: a field (then named in the error's `fields`), or the top of the page. */
  field?: string;
}

export interface RecordChange {
  type: SObjectType;
  changeType: ChangeType;
  recordId: string;
  userId: string;
  changeOrigin: string;
  commitTimestamp: number;
  transactionKey: string;
  /** CREATE: all non-null fields; UPDATE: the changed fields with their new values; DELETE: none. */
  fields: SObjectRecord;
  changedFields: string[];
  nulledFields: string[];
}

export type ChangeListener = (change: RecordChange) => void;

export interface DeletedEntry {
  type: SObjectType;
  id: string;
  deletedDate: number;
}

/** Fields that never appear in change events (the record id travels in the header). */
const NOT_IN_EVENTS = new Set(['Id', 'SystemModstamp', 'IsDeleted', 'ToIds', 'CcIds', 'BccIds']);

const JUNCTION_RELATION: Readonly<Record<string, string>> = {
  ToIds: 'ToAddress',
  CcIds: 'CcAddress',
  BccIds: 'BccAddress',
};

export class OrgStore {
  private readonly tables = new Map<SObjectType, Map<string, SObjectRecord>>();
  private readonly listeners: ChangeListener[] = [];
  readonly deletedLog: DeletedEntry[] = [];
  /**
   * Per-org field setup, as an admin leaves it: a custom field not created yet or a field the API user's field-level
   * security hides ('absent': describe omits it, queries naming it get INVALID_FIELD "No such column", writes get
   * INVALID_FIELD) or without edit access for the API user ('readonly': describe says createable/updateable
   * false, writes get INVALID_FIELD_FOR_INSERT_UPDATE). Keys are `type.field`, lower case.
   */
  readonly fieldAccess = new Map<string, 'absent' | 'readonly'>();
  /**
   * Records another transaction holds locked (a data load, a trigger, a user's save): ids → number of holders. Like
   * the platform, a write that needs one of them (the record itself, or a parent it points at: inserting a Task
   * locks its WhatId and WhoId) fails with 400 `UNABLE_TO_LOCK_ROW`. The platform waits up to 10 s for the lock
   * first; here the answer is immediate. https://developer.salesforce.com/docs/atlas.en-us.draes.meta/draes/draes_object_relationships_record_level_locking.htm
   */
  readonly locks = new Map<string, number>();
  /**
   * The org's active validation rules (Setup → Object Manager → Validation Rules): a create or update whose record,
   * as it would be saved, makes `when` true fails with 400 FIELD_CUSTOM_VALIDATION_EXCEPTION carrying the rule's own
   * error message, and `fields` = [its error location] when that is a field (else none). They run after the system
   * checks the sandbox makes (required fields, references, unique, owner), BEHAVIOR.md "Org validation rules".
   * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_validationformulas.htm
   */
  readonly validationRules: ValidationRule[] = [];

  constructor(
    readonly orgId: string,
    private readonly ids: IdFactory,
    private readonly now: () => number,
  ) {}

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  private table(type: SObjectType): Map<string, SObjectRecord> {
    let t = this.tables.get(type);
    if (!t) {
      t = new Map();
      this.tables.set(type, t);
    }
    return t;
  }

  /** All rows of a type in insertion order; deleted rows (the recycle bin) only when asked. */
  all(type: SObjectType, includeDeleted = false): SObjectRecord[] {
    const rows = [...this.table(type).values()];
    return includeDeleted ? rows : rows.filter((r) => r.IsDeleted !== true);
  }

  get(type: SObjectType, id: string, includeDeleted = false): SObjectRecord | undefined {
    const row = this.table(type).get(to18(id));
    if (!row) return undefined;
    return includeDeleted || row.IsDeleted !== true ? row : undefined;
  }

  /** Finds a record of any served type by id. */
  findById(id: string, includeDeleted = false): { type: SObjectType; record: SObjectRecord } | undefined {
    const type = typeForId(id);
    if (!type) return undefined;
    const record = this.get(type, id, includeDeleted);
    return record ? { type, record } : undefined;
  }

  private stamp(): number {
    return truncateToSecond(this.now());
  }

  // ---------------------------------------------------------------- validation

  /** Maps a request body onto canonical field names and typed values; throws the API's error on the first problem. */
  normalizeInput(type: SObjectType, input: Record<string, unknown>, mode: 'create' | 'update'): SObjectRecord {
    const def = sobjectDef(type);
    const out: SObjectRecord = {};
    const notWritable: string[] = [];
    for (const [key, raw] of Object.entries(input)) {
      if (key === 'attributes') continue;
      const field = def.byName.get(key.toLowerCase());
      const access = field ? this.fieldAccess.get(`${type}.${field.name}`.toLowerCase()) : undefined;
      if (!field || access === 'absent') {
        throw new SalesforceApiError(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type ${type}`, [key]);
      }
      if (access === 'readonly') {
        notWritable.push(field.name);
        continue;
      }
      if (field.name === 'Id') {
        if (mode === 'update') continue;
        notWritable.push(field.name);
        continue;
      }
      if (mode === 'create' ? !field.createable : !field.updateable) {
        notWritable.push(field.name);
        continue;
      }
      out[field.name] = this.coerce(def, field, raw);
    }
    if (notWritable.length > 0) {
      throw new SalesforceApiError(
        400,
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        `Unable to create/update fields: ${notWritable.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        notWritable,
      );
    }
    return out;
  }

  private coerce(def: SObjectDef, field: FieldDef, raw: unknown): FieldValue {
    const bad = (): never => {
      throw new SalesforceApiError(
        400,
        'JSON_PARSER_ERROR',
        `Cannot deserialize instance of ${field.kind} from ${typeof raw} value ${JSON.stringify(raw)} or request may be missing a required field`,
        [field.name],
      );
    };
    if (raw === null || raw === undefined || raw === '') {
      if (field.kind === 'boolean') bad();
      return field.kind === 'junctionidlist' ? [] : null;
    }
    switch (field.kind) {
      case 'boolean':
        if (typeof raw === 'boolean') return raw;
        if (raw === 'true' || raw === 'false') return raw === 'true';
        return bad();
      case 'double':
      case 'currency':
      case 'percent':
      case 'int': {
        const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
        if (!Number.isFinite(n)) return bad();
        return field.kind === 'int' ? Math.trunc(n) : n;
      }
      case 'date': {
        if (typeof raw !== 'string') return bad();
        const ms = parseDate(raw) ?? parseDateTime(raw);
        return ms === null ? bad() : formatDate(ms);
      }
      case 'datetime': {
        if (typeof raw !== 'string') return bad();
        const ms = parseDateTime(raw) ?? parseDate(raw);
        return ms === null ? bad() : formatDateTime(ms);
      }
      case 'junctionidlist': {
        const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : bad();
        return list.map((v) =>
          this.checkReference(def, { ...field, referenceTo: ['Contact', 'Lead', 'User'] }, String(v).trim()),
        );
      }
      case 'reference':
      case 'id':
        if (typeof raw !== 'string') return bad();
        return this.checkReference(def, field, raw);
      default: {
        const s =
          typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : bad();
        if (field.length > 0 && s.length > field.length) {
          throw new SalesforceApiError(
            400,
            'STRING_TOO_LONG',
            `${field.name}: data value too large: ${s.slice(0, 40)}... (max length=${field.length})`,
            [field.name],
          );
        }
        if (field.restrictedPicklist && field.picklist && !field.picklist.some((p) => p.value === s)) {
          throw new SalesforceApiError(
            400,
            'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
            `${field.name}: bad value for restricted picklist field: ${s}`,
            [field.name],
          );
        }
        return s;
      }
    }
  }

  private checkReference(def: SObjectDef, field: FieldDef, raw: string): string {
    if (!isValidId(raw)) {
      throw new SalesforceApiError(400, 'MALFORMED_ID', `${field.name}: id value of incorrect type: ${raw}`, [
        field.name,
      ]);
    }
    const id = to18(raw);
    if (field.referenceTo.length === 0) return id;
    const target = typeForId(id);
    if (!target || !field.referenceTo.includes(target)) {
      throw new SalesforceApiError(
        400,
        'FIELD_INTEGRITY_EXCEPTION',
        `${field.name}: id value of incorrect type: ${raw}`,
        [field.name],
      );
    }
    if (!this.get(target, id)) {
      throw new SalesforceApiError(400, 'INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, [field.name]);
    }
    void def;
    return id;
  }

  /** Validates a create without writing, so collections can honour allOrNone. */
  prepareCreate(type: SObjectType, input: Record<string, unknown>, ctx: ChangeContext): SObjectRecord {
    const def = sobjectDef(type);
    const values = this.normalizeInput(type, input, 'create');
    const missing = def.requiredOnCreate.filter((f) => values[f] === undefined || values[f] === null);
    if (
      type === 'Event' &&
      values.StartDateTime == null &&
      values.ActivityDateTime == null &&
      !(values.IsAllDayEvent === true && values.ActivityDate != null)
    ) {
      missing.push('ActivityDateTime');
    }
    if (
      type === 'Event' &&
      values.DurationInMinutes == null &&
      values.EndDateTime == null &&
      values.IsAllDayEvent !== true
    ) {
      missing.push('DurationInMinutes');
    }
    if (missing.length > 0) {
      throw new SalesforceApiError(
        400,
        'REQUIRED_FIELD_MISSING',
        `Required fields are missing: [${missing.join(', ')}]`,
        missing,
      );
    }
    if (values.OwnerId == null && def.byName.has('ownerid')) values.OwnerId = ctx.userId;
    this.checkUnique(type, values, null);
    this.checkLeadWithoutWhat(type, values);
    this.checkActiveOwner(type, values);
    this.checkValidationRules(type, values);
    this.checkLocks(type, null, values);
    return values;
  }

  /**
   * A new owner must be an active user: without the org's "Update Records with Inactive Owners" permission, a record
   * created for (or handed to) a deactivated user fails with 400 INACTIVE_OWNER_OR_USER
   * (https://help.salesforce.com/apex/HTViewSolution?id=000205862 ; https://www.simplysfdc.com/2025/05/salesforce-inactive-user.html).
   */
  private checkActiveOwner(type: SObjectType, values: SObjectRecord): void {
    const owner = values.OwnerId;
    if (typeof owner !== 'string' || !owner.startsWith(KEY_PREFIX.User)) return;
    if (this.get('User', owner)?.IsActive === false) {
      throw new SalesforceApiError(
        400,
        'INACTIVE_OWNER_OR_USER',
        `operation performed with inactive user [${owner.slice(0, 15)}] as owner of ${type.toLowerCase()}`,
        [],
      );
    }
  }

  /**
   * A Task or Event whose WhoId is a Lead cannot be related to anything (WhatId): "If the WhoId refers to a lead,
   * then the WhatId field must be empty" (Task object reference). 400 FIELD_INTEGRITY_EXCEPTION (wording a guess).
   */
  private checkLeadWithoutWhat(type: SObjectType, values: SObjectRecord): void {
    if (type !== 'Task' && type !== 'Event') return;
    const who = values.WhoId;
    if (typeof who === 'string' && who.startsWith(KEY_PREFIX.Lead) && values.WhatId != null && values.WhatId !== '') {
      throw new SalesforceApiError(
        400,
        'FIELD_INTEGRITY_EXCEPTION',
        `Related To ID: a ${type.toLowerCase()} whose Name ID is a lead cannot be related to another record: [WhatId]`,
        ['WhatId'],
      );
    }
  }

  /** The first active validation rule of `type` the record breaks: 400 FIELD_CUSTOM_VALIDATION_EXCEPTION. */
  private checkValidationRules(type: SObjectType, record: SObjectRecord): void {
    for (const rule of this.validationRules) {
      if (rule.type !== type || !rule.when(record)) continue;
      throw new SalesforceApiError(
        400,
        'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        rule.message,
        rule.field ? [rule.field] : [],
      );
    }
  }

  /** 400 UNABLE_TO_LOCK_ROW when the record or a parent its references name is locked by another transaction. */
  private checkLocks(type: SObjectType, id: string | null, values: SObjectRecord): void {
    if (this.locks.size === 0) return;
    const needed = [
      id,
      ...sobjectDef(type)
        .fields.filter((f) => f.kind === 'reference')
        .map((f) => values[f.name]),
    ];
    const locked = needed.filter((v): v is string => typeof v === 'string' && (this.locks.get(v) ?? 0) > 0);
    if (locked.length > 0) {
      throw new SalesforceApiError(
        400,
        'UNABLE_TO_LOCK_ROW',
        `unable to obtain exclusive access to this record or ${locked.length} records: ${locked.join(', ')}`,
        [],
      );
    }
  }

  /**
   * Unique fields (our External ID `Closeloop_Key__c`): case-insensitive like the platform default; a clash is
   * 400 `DUPLICATE_VALUE` naming the record that holds the value.
   */
  private checkUnique(type: SObjectType, values: SObjectRecord, exceptId: string | null): void {
    for (const field of sobjectDef(type).fields) {
      const v = values[field.name];
      if (!field.unique || typeof v !== 'string') continue;
      const clash = this.all(type).find(
        (r) =>
          r.Id !== exceptId &&
          typeof r[field.name] === 'string' &&
          (r[field.name] as string).toLowerCase() === v.toLowerCase(),
      );
      if (clash) {
        throw new SalesforceApiError(
          400,
          'DUPLICATE_VALUE',
          `duplicate value found: ${field.name} duplicates value on record with id: ${String(clash.Id)}`,
          [],
        );
      }
    }
  }

  prepareUpdate(type: SObjectType, id: string, input: Record<string, unknown>, ctx: ChangeContext): SObjectRecord {
    const existing = this.requireRecord(type, id);
    const values = this.normalizeInput(type, input, 'update');
    for (const f of sobjectDef(type).requiredOnCreate) {
      if (f in values && values[f] === null) {
        throw new SalesforceApiError(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${f}]`, [f]);
      }
    }
    if (type === 'EmailMessage') this.checkEmailEdit(existing, values, ctx);
    this.checkUnique(type, values, existing.Id as string);
    this.checkLeadWithoutWhat(type, { ...existing, ...values });
    if (values.OwnerId !== undefined && values.OwnerId !== existing.OwnerId) this.checkActiveOwner(type, values);
    this.checkValidationRules(type, { ...existing, ...values });
    this.checkLocks(type, existing.Id as string, values);
    return values;
  }

  /** Only drafts (Status 5) are editable; a sent message may only move New → Read or toggle IsExternallyVisible. */
  private checkEmailEdit(existing: SObjectRecord, values: SObjectRecord, ctx: ChangeContext): void {
    if (existing.Status === EMAIL_STATUS.Draft) {
      if (existing.IsPrivateDraft === true && existing.CreatedById !== ctx.userId) {
        throw new SalesforceApiError(
          400,
          'INSUFFICIENT_ACCESS_OR_READONLY',
          'insufficient access rights on object id',
          ['Id'],
        );
      }
      return;
    }
    for (const [k, v] of Object.entries(values)) {
      if (k === 'IsExternallyVisible') continue;
      if (k === 'Status' && existing.Status === EMAIL_STATUS.New && v === EMAIL_STATUS.Read) continue;
      if (k === 'Status' && v === existing.Status) continue;
      throw new SalesforceApiError(
        400,
        'INSUFFICIENT_ACCESS_OR_READONLY',
        `You can't edit ${k} on an email message that isn't a draft (Status 5).`,
        [k],
      );
    }
  }

  requireRecord(type: SObjectType, id: string): SObjectRecord {
    if (!isValidId(id))
      throw new SalesforceApiError(
        400,
        'MALFORMED_ID',
        `Provided external ID field does not exist or is not accessible: ${id}`,
      );
    const row = this.table(type).get(to18(id));
    if (!row || typeForId(to18(id)) !== type)
      throw new SalesforceApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    if (row.IsDeleted === true) throw new SalesforceApiError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
    return row;
  }

  // ---------------------------------------------------------------- writes

  create(type: SObjectType, input: Record<string, unknown>, ctx: ChangeContext): string {
    return this.commitCreate(type, this.prepareCreate(type, input, ctx), ctx);
  }

  update(type: SObjectType, id: string, input: Record<string, unknown>, ctx: ChangeContext): void {
    this.commitUpdate(type, id, this.prepareUpdate(type, id, input, ctx), ctx);
  }

  commitCreate(type: SObjectType, values: SObjectRecord, ctx: ChangeContext, at?: number): string {
    const def = sobjectDef(type);
    // Again at commit: two records of one collection request may carry the same value.
    this.checkUnique(type, values, null);
    const ts = at ?? this.stamp();
    const id = this.ids.next(def.keyPrefix);
    const record: SObjectRecord = {};
    for (const f of def.fields) record[f.name] = f.kind === 'boolean' ? false : f.kind === 'junctionidlist' ? [] : null;
    Object.assign(record, this.defaults(type, ts), values);
    Object.assign(record, {
      Id: id,
      IsDeleted: false,
      CreatedDate: formatDateTime(ts),
      CreatedById: ctx.userId,
      LastModifiedDate: formatDateTime(ts),
      LastModifiedById: ctx.userId,
      SystemModstamp: formatDateTime(ts),
    });
    this.derive(type, record, Object.keys(values));
    this.table(type).set(id, record);
    this.afterWrite(type, record, ts, ctx);
    const fields: SObjectRecord = {};
    for (const [k, v] of Object.entries(record)) {
      if (v === null || NOT_IN_EVENTS.has(k) || (Array.isArray(v) && v.length === 0)) continue;
      fields[k] = v;
    }
    this.emit({
      type,
      changeType: 'CREATE',
      recordId: id,
      userId: ctx.userId,
      changeOrigin: ctx.changeOrigin,
      commitTimestamp: ts,
      transactionKey: randomUUID(),
      fields,
      changedFields: [],
      nulledFields: [],
    });
    return id;
  }

  commitUpdate(type: SObjectType, id: string, values: SObjectRecord, ctx: ChangeContext, at?: number): void {
    const record = this.requireRecord(type, id);
    const before = { ...record };
    const ts = at ?? this.stamp();
    Object.assign(record, values, {
      LastModifiedDate: formatDateTime(ts),
      LastModifiedById: ctx.userId,
      SystemModstamp: formatDateTime(ts),
    });
    this.derive(type, record, Object.keys(values));
    this.afterWrite(type, record, ts, ctx, values);
    const fields: SObjectRecord = {};
    const changedFields: string[] = [];
    const nulledFields: string[] = [];
    for (const [k, v] of Object.entries(record)) {
      if (NOT_IN_EVENTS.has(k) || k === 'LastModifiedDate') continue;
      if (JSON.stringify(before[k]) === JSON.stringify(v)) continue;
      changedFields.push(k);
      if (v === null) nulledFields.push(k);
      else fields[k] = v;
    }
    changedFields.push('LastModifiedDate');
    fields.LastModifiedDate = record.LastModifiedDate ?? null;
    if (before.LastModifiedById !== record.LastModifiedById && !changedFields.includes('LastModifiedById')) {
      changedFields.push('LastModifiedById');
      fields.LastModifiedById = record.LastModifiedById ?? null;
    }
    this.emit({
      type,
      changeType: 'UPDATE',
      recordId: record.Id as string,
      userId: ctx.userId,
      changeOrigin: ctx.changeOrigin,
      commitTimestamp: ts,
      transactionKey: randomUUID(),
      fields,
      changedFields,
      nulledFields,
    });
  }

  /**
   * Soft delete into the recycle bin (IsDeleted, visible to queryAll and getDeleted), cascading like the platform does.
   */
  delete(type: SObjectType, id: string, ctx: ChangeContext, at?: number): void {
    const record = this.requireRecord(type, id);
    const ts = at ?? this.stamp();
    record.IsDeleted = true;
    record.SystemModstamp = formatDateTime(ts);
    this.deletedLog.push({ type, id: record.Id as string, deletedDate: ts });
    this.emit({
      type,
      changeType: 'DELETE',
      recordId: record.Id as string,
      userId: ctx.userId,
      changeOrigin: ctx.changeOrigin,
      commitTimestamp: ts,
      transactionKey: randomUUID(),
      fields: {},
      changedFields: [],
      nulledFields: [],
    });
    const cascade: Array<[SObjectType, string]> =
      type === 'Account'
        ? [
            ['Contact', 'AccountId'],
            ['Opportunity', 'AccountId'],
          ]
        : type === 'Opportunity' || type === 'Contact'
          ? [['OpportunityContactRole', `${type}Id`]]
          : type === 'EmailMessage'
            ? [['EmailMessageRelation', 'EmailMessageId']]
            : [];
    for (const [childType, fk] of cascade) {
      for (const child of this.all(childType)) {
        if (child[fk] === record.Id) this.delete(childType, child.Id as string, ctx, ts);
      }
    }
  }

  /** Inserts a historical row (seed data): no validation, no events, timestamps as given. */
  insertHistorical(
    type: SObjectType,
    values: SObjectRecord,
    createdAt: number,
    modifiedAt: number,
    userId: string,
  ): string {
    const def = sobjectDef(type);
    const id = this.ids.next(def.keyPrefix);
    const record: SObjectRecord = {};
    for (const f of def.fields) record[f.name] = f.kind === 'boolean' ? false : f.kind === 'junctionidlist' ? [] : null;
    const created = truncateToSecond(createdAt);
    const modified = truncateToSecond(Math.max(createdAt, modifiedAt));
    Object.assign(record, this.defaults(type, created), values, {
      Id: id,
      IsDeleted: false,
      CreatedDate: formatDateTime(created),
      CreatedById: userId,
      LastModifiedDate: formatDateTime(modified),
      LastModifiedById: userId,
      SystemModstamp: formatDateTime(modified),
    });
    if (record.OwnerId === null && def.byName.has('ownerid')) record.OwnerId = userId;
    this.derive(type, record, Object.keys(values));
    this.table(type).set(id, record);
    this.afterWrite(type, record, created, { userId, changeOrigin: '' }, undefined, true);
    return id;
  }

  private emit(change: RecordChange): void {
    for (const l of this.listeners) l(change);
  }

  // ---------------------------------------------------------------- platform-maintained fields

  private defaults(type: SObjectType, ts: number): SObjectRecord {
    switch (type) {
      case 'Task':
        return { Status: 'Not Started', Priority: 'Normal', TaskSubtype: 'Task' };
      case 'Lead':
        return { Status: 'Open - Not Contacted' };
      case 'Event':
        return { ShowAs: 'Busy' };
      case 'EmailMessage':
        return { Status: EMAIL_STATUS.New, MessageDate: formatDateTime(ts) };
      case 'User':
        return {
          IsActive: true,
          TimeZoneSidKey: 'America/Los_Angeles',
          LocaleSidKey: 'en_US',
          LanguageLocaleKey: 'en_US',
          EmailEncodingKey: 'UTF-8',
          UserType: 'Standard',
          DefaultGroupNotificationFrequency: 'N',
        };
      default:
        return {};
    }
  }

  private derive(type: SObjectType, r: SObjectRecord, written: string[]): void {
    if (type === 'Contact' || type === 'Lead' || type === 'User') {
      r.Name = [r.FirstName, r.LastName].filter((v) => typeof v === 'string' && v !== '').join(' ');
      if (type === 'User' && r.CommunityNickname == null) r.CommunityNickname = String(r.Alias ?? r.LastName);
    }
    if (type === 'Opportunity') {
      const stage = stageByName(r.StageName);
      if (stage) {
        if (written.includes('StageName') && !written.includes('Probability')) r.Probability = stage.probability;
        if (r.Probability === null) r.Probability = stage.probability;
        if (written.includes('StageName') && !written.includes('ForecastCategoryName'))
          r.ForecastCategoryName = stage.forecastCategoryName;
        if (r.ForecastCategoryName === null) r.ForecastCategoryName = stage.forecastCategoryName;
        r.ForecastCategory = stage.forecastCategory;
        r.IsClosed = stage.isClosed;
        r.IsWon = stage.isWon;
      }
    }
    if (type === 'Task') {
      r.IsClosed = typeof r.Status === 'string' && CLOSED_TASK_STATUSES.has(r.Status);
      r.IsHighPriority = r.Priority === 'High';
    }
    if (type === 'Event') {
      const start =
        typeof r.StartDateTime === 'string'
          ? r.StartDateTime
          : typeof r.ActivityDateTime === 'string'
            ? r.ActivityDateTime
            : null;
      if (start) {
        const startMs = parseDateTime(start) ?? 0;
        r.StartDateTime = start;
        r.ActivityDateTime = start;
        r.ActivityDate = formatDate(startMs);
        if (written.includes('EndDateTime') && typeof r.EndDateTime === 'string') {
          r.DurationInMinutes = Math.round(((parseDateTime(r.EndDateTime) ?? startMs) - startMs) / 60_000);
        } else if (typeof r.DurationInMinutes === 'number') {
          r.EndDateTime = formatDateTime(startMs + r.DurationInMinutes * 60_000);
        }
      }
    }
    if (type === 'Task' || type === 'Event') r.AccountId = this.accountOf(r.WhatId, r.WhoId);
    if (type === 'EmailMessageRelation' && typeof r.RelationId === 'string')
      r.RelationObjectType = typeForId(r.RelationId) ?? null;
  }

  private accountOf(whatId: FieldValue | undefined, whoId: FieldValue | undefined): string | null {
    if (typeof whatId === 'string') {
      const what = this.findById(whatId, true);
      if (what?.type === 'Account') return what.record.Id as string;
      if (what?.type === 'Opportunity') return (what.record.AccountId as string | null) ?? null;
    }
    if (typeof whoId === 'string') {
      const who = this.findById(whoId, true);
      if (who?.type === 'Contact') return (who.record.AccountId as string | null) ?? null;
    }
    return null;
  }

  /** Side effects of a write: EmailMessageRelation rows for ToIds/CcIds/BccIds and LastActivityDate on the parents. */
  private afterWrite(
    type: SObjectType,
    r: SObjectRecord,
    ts: number,
    ctx: ChangeContext,
    changed?: SObjectRecord,
    historical = false,
  ): void {
    if (type === 'EmailMessage') {
      for (const [field, relationType] of Object.entries(JUNCTION_RELATION)) {
        if (changed && !(field in changed)) continue;
        const ids = Array.isArray(r[field]) ? (r[field] as string[]) : [];
        for (const rel of this.all('EmailMessageRelation')) {
          if (rel.EmailMessageId === r.Id && rel.RelationType === relationType)
            this.table('EmailMessageRelation').delete(rel.Id as string);
        }
        const addresses: string[] = [];
        for (const relationId of ids) {
          const target = this.findById(relationId);
          const address = typeof target?.record.Email === 'string' ? target.record.Email : null;
          if (address) addresses.push(address);
          this.insertRelation(r.Id as string, relationId, relationType, address, ts, ctx.userId);
        }
        const addressField = relationType;
        if (addresses.length > 0 && (r[addressField] === null || r[addressField] === undefined))
          r[addressField] = addresses.join('; ');
      }
      if (!changed && typeof r.FromAddress === 'string') {
        const sender = this.all('User').find(
          (u) => typeof u.Email === 'string' && u.Email.toLowerCase() === (r.FromAddress as string).toLowerCase(),
        );
        this.insertRelation(
          r.Id as string,
          sender ? (sender.Id as string) : null,
          'FromAddress',
          r.FromAddress,
          ts,
          ctx.userId,
        );
      }
    }
    const isActivity =
      type === 'Task' || type === 'Event' || (type === 'EmailMessage' && r.Status !== EMAIL_STATUS.Draft);
    if (isActivity && (!changed || historical)) {
      const day = typeof r.ActivityDate === 'string' ? r.ActivityDate : formatDate(ts);
      for (const parentId of [r.WhatId, r.WhoId, r.RelatedToId, r.AccountId]) {
        if (typeof parentId !== 'string') continue;
        const parent = this.findById(parentId);
        if (!parent || !('LastActivityDate' in parent.record)) continue;
        const current = parent.record.LastActivityDate;
        if (typeof current !== 'string' || current < day) parent.record.LastActivityDate = day;
      }
    }
  }

  private insertRelation(
    emailId: string,
    relationId: string | null,
    relationType: string,
    address: FieldValue | undefined,
    ts: number,
    userId: string,
  ): void {
    const id = this.ids.next(sobjectDef('EmailMessageRelation').keyPrefix);
    this.table('EmailMessageRelation').set(id, {
      Id: id,
      EmailMessageId: emailId,
      RelationId: relationId,
      RelationType: relationType,
      RelationAddress: typeof address === 'string' ? address : null,
      RelationObjectType: relationId ? (typeForId(relationId) ?? null) : null,
      CreatedDate: formatDateTime(ts),
      CreatedById: userId,
      SystemModstamp: formatDateTime(ts),
      IsDeleted: false,
    });
  }
}

/** Resolves an API name (any case) to a served type or throws NOT_FOUND as the sobjects resource does. */
export function requireType(name: string): SObjectType {
  const def = findSObject(name);
  if (!def) throw new SalesforceApiError(404, 'NOT_FOUND', `The requested resource does not exist`);
  return def.name;
}
