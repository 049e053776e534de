/**
 * The app's webhook subscriptions and the mapping from store changes to webhook events
 * (connectors/hubspot/BEHAVIOR.md, "Webhooks"). Contacts, companies and deals use the classic `contact.creation` style
 * types;
 * tasks, emails, calls, meetings and notes only exist as generic `object.*` subscriptions with an `objectTypeId`.
 * A propertyChange subscription names exactly one property; there is no wildcard.
 */
import { OBJECT_TYPES, OBJECT_TYPE_NAMES, type ObjectTypeDef } from './object-types.js';
import { webhookAssociationName } from './association-types.js';
import type { StoreChange } from './store.js';

export interface SubscriptionInput {
  eventType: string;
  propertyName?: string;
  objectTypeId?: string;
  active?: boolean;
}

export interface WebhookSubscription {
  id: number;
  eventType: string;
  propertyName?: string;
  objectTypeId?: string;
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

/** One event as HubSpot posts it; field order follows tests/fixtures/hubspot/http/webhook-batch.json. */
export type WebhookEvent = Record<string, unknown> & {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  attemptNumber: number;
  occurredAt: number;
};

/** HubSpot refuses propertyChange subscriptions on these email properties. */
const UNSUBSCRIBABLE: Record<string, readonly string[]> = { emails: ['hs_email_html', 'hs_email_subject'] };

/**
 * A realistic full subscription set: creation, deletion, association changes and every writable property of every type.
 */
export function defaultSubscriptions(): SubscriptionInput[] {
  const out: SubscriptionInput[] = [];
  for (const name of OBJECT_TYPE_NAMES) {
    const def = OBJECT_TYPES[name];
    const base = (kind: string): SubscriptionInput =>
      def.webhookPrefix === null
        ? { eventType: `object.${kind}`, objectTypeId: def.typeId }
        : { eventType: `${def.webhookPrefix}.${kind}` };
    out.push(base('creation'), base('deletion'), base('associationChange'), base('merge'), base('restore'));
    for (const [prop, pdef] of Object.entries(def.properties)) {
      if (pdef.readOnly === true || def.createdProperty === prop || (UNSUBSCRIBABLE[name] ?? []).includes(prop))
        continue;
      out.push({ ...base('propertyChange'), propertyName: prop });
    }
  }
  return out;
}

const EVENT_TYPE =
  /^(contact|company|deal|ticket|product|line_item|conversation|object)\.(creation|deletion|propertyChange|merge|restore|associationChange|privacyDeletion|newMessage)$/;

export class SubscriptionRegistry {
  private readonly subs = new Map<number, WebhookSubscription>();
  private nextId = 2001;

  constructor(
    private readonly now: () => number,
    initial: SubscriptionInput[],
  ) {
    for (const s of initial) this.add(s);
  }

  /** Returns an error message when the input is not a valid subscription, else undefined. */
  static problemWith(input: SubscriptionInput): string | undefined {
    if (!EVENT_TYPE.test(input.eventType)) return `Unknown eventType ${input.eventType}`;
    if (input.eventType.endsWith('.propertyChange') && (input.propertyName === undefined || input.propertyName === ''))
      return 'propertyName is required for propertyChange subscriptions';
    if (input.eventType.startsWith('object.') && input.objectTypeId === undefined)
      return 'objectTypeId is required for object.* subscriptions';
    return undefined;
  }

  list(): WebhookSubscription[] {
    return [...this.subs.values()];
  }

  get(id: number): WebhookSubscription | undefined {
    return this.subs.get(id);
  }

  add(input: SubscriptionInput): WebhookSubscription {
    const problem = SubscriptionRegistry.problemWith(input);
    if (problem !== undefined) throw new Error(problem);
    const at = this.now();
    const sub: WebhookSubscription = {
      id: this.nextId++,
      eventType: input.eventType,
      active: input.active ?? true,
      createdAt: at,
      updatedAt: at,
    };
    if (input.propertyName !== undefined) sub.propertyName = input.propertyName;
    if (input.objectTypeId !== undefined) sub.objectTypeId = input.objectTypeId;
    this.subs.set(sub.id, sub);
    return sub;
  }

  setActive(id: number, active: boolean): WebhookSubscription | undefined {
    const sub = this.subs.get(id);
    if (sub !== undefined) {
      sub.active = active;
      sub.updatedAt = this.now();
    }
    return sub;
  }

  remove(id: number): boolean {
    return this.subs.delete(id);
  }

  private matching(def: ObjectTypeDef, kind: string, propertyName?: string): WebhookSubscription[] {
    const eventType = def.webhookPrefix === null ? `object.${kind}` : `${def.webhookPrefix}.${kind}`;
    return this.list().filter(
      (s) =>
        s.active &&
        s.eventType === eventType &&
        (def.webhookPrefix !== null || s.objectTypeId === def.typeId) &&
        (propertyName === undefined || s.propertyName === propertyName),
    );
  }

  /** The events one change produces: one per matching active subscription. */
  eventsFor(change: StoreChange, appId: number, nextEventId: () => number): WebhookEvent[] {
    const def = OBJECT_TYPES[change.kind === 'associationChange' ? change.fromType : change.type];
    const subs = this.matching(def, change.kind, change.kind === 'propertyChange' ? change.propertyName : undefined);
    return subs.map((sub) => {
      const event: WebhookEvent = {
        eventId: nextEventId(),
        subscriptionId: sub.id,
        portalId: change.portalId,
        appId,
        attemptNumber: 0,
        occurredAt: change.at,
        subscriptionType: sub.eventType,
      };
      // Generic association events name both sides (fromObjectTypeId / toObjectTypeId) and carry no objectTypeId.
      if (def.webhookPrefix === null && change.kind !== 'associationChange') event.objectTypeId = def.typeId;
      switch (change.kind) {
        case 'creation':
          Object.assign(event, { objectId: Number(change.objectId), changeFlag: 'CREATED' });
          break;
        case 'deletion':
          Object.assign(event, { objectId: Number(change.objectId), changeFlag: 'DELETED' });
          break;
        case 'restore':
          Object.assign(event, { objectId: Number(change.objectId), changeFlag: 'RESTORED' });
          break;
        case 'merge':
          // https://developers.hubspot.com/changelog/new-subscription-types-for-webhooks (merge payload fields)
          Object.assign(event, {
            objectId: Number(change.objectId),
            changeFlag: 'MERGED',
            primaryObjectId: Number(change.primaryObjectId),
            mergedObjectIds: change.mergedObjectIds.map(Number),
            newObjectId: Number(change.primaryObjectId),
            numberOfPropertiesMoved: 0,
          });
          break;
        case 'propertyChange':
          Object.assign(event, {
            objectId: Number(change.objectId),
            propertyName: change.propertyName,
            propertyValue: change.propertyValue,
          });
          break;
        case 'associationChange':
          Object.assign(event, {
            associationType: webhookAssociationName(change.association),
            fromObjectId: Number(change.fromId),
            toObjectId: Number(change.toId),
            associationRemoved: change.removed,
            isPrimaryAssociation: change.association.isPrimary,
            ...(def.webhookPrefix === null
              ? {
                  fromObjectTypeId: def.typeId,
                  toObjectTypeId: OBJECT_TYPES[change.toType].typeId,
                  associationTypeId: change.association.typeId,
                  associationCategory: 'HUBSPOT_DEFINED',
                }
              : {}),
          });
          break;
      }
      event.changeSource = change.actor.changeSource;
      if (change.actor.sourceId !== undefined) event.sourceId = change.actor.sourceId;
      return event;
    });
  }
}
