/**
 * Outbound Messages: a workflow action per object that POSTs a SOAP 1.1 `notifications` envelope with 1–100
 * `Notification`s to the listener and waits for `<Ack>true</Ack>`. Anything else (non-200, fault, timeout, Ack false)
 * queues the same notifications (same Notification Ids) for a retry with exponential backoff. The payload is read at
 * send time, not at change time, as on the platform. Deletes do not fire outbound messages.
 * https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_om_outboundmessaging_understanding.htm
 */
import { XMLParser } from 'fast-xml-parser';
import { API_VERSION } from './context.js';
import { KEY_PREFIX } from './ids.js';
import type { Org } from './org.js';
import { type SObjectType, sobjectDef } from './schema.js';
import type { FieldValue, RecordChange } from './store.js';
import { DAY_MS, formatIsoZ, parseDateTime } from './time.js';

const MAX_PER_MESSAGE = 100;
const MAX_DELAY_FACTOR = 2 ** 10;

/** Objects and fields selected in the default outbound message definitions of a sandbox org. */
export const DEFAULT_OUTBOUND_FIELDS: Readonly<Partial<Record<SObjectType, readonly string[]>>> = {
  Account: ['Id', 'Name', 'Type', 'Industry', 'Website', 'OwnerId', 'SystemModstamp'],
  Contact: ['Id', 'AccountId', 'FirstName', 'LastName', 'Email', 'Phone', 'Title', 'OwnerId', 'SystemModstamp'],
  Lead: ['Id', 'FirstName', 'LastName', 'Company', 'Email', 'Status', 'OwnerId', 'SystemModstamp'],
  Opportunity: [
    'Id',
    'AccountId',
    'Name',
    'StageName',
    'Amount',
    'CloseDate',
    'Probability',
    'IsClosed',
    'IsWon',
    'OwnerId',
    'SystemModstamp',
  ],
  Task: ['Id', 'Subject', 'Status', 'Priority', 'WhoId', 'WhatId', 'ActivityDate', 'OwnerId', 'SystemModstamp'],
};

export interface OutboundConfig {
  url: string | null;
  objects: Partial<Record<SObjectType, readonly string[]>>;
}

interface Notification {
  notificationId: string;
  type: SObjectType;
  recordId: string;
}

interface Delivery {
  org: Org;
  type: SObjectType;
  actionId: string;
  notifications: Notification[];
  attempts: number;
  firstAttemptAt: number;
  timer: NodeJS.Timeout | null;
}

export interface OutboundOptions {
  baseUrl: () => string;
  now: () => number;
  retryBaseMs: number;
  maxAttempts: number;
  timeoutMs: number;
  log: (m: string) => void;
}

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

function xmlValue(kind: string | undefined, v: FieldValue): string {
  if (Array.isArray(v)) return escapeXml(v.join(','));
  if (kind === 'datetime' && typeof v === 'string') return formatIsoZ(parseDateTime(v) ?? 0);
  return escapeXml(String(v));
}

/** Builds the SOAP envelope exactly as the outbound messaging WSDL describes it. */
export function buildEnvelope(
  org: Org,
  baseUrl: string,
  actionId: string,
  items: Array<{
    notificationId: string;
    type: SObjectType;
    record: Record<string, FieldValue>;
    fields: readonly string[];
  }>,
): string {
  const parts = items.map(({ notificationId, type, record, fields }) => {
    const def = sobjectDef(type);
    const values = fields
      .filter((f) => record[f] !== null && record[f] !== undefined)
      .map(
        (f) =>
          `          <sf:${f}>${xmlValue(def.byName.get(f.toLowerCase())?.kind, record[f] as FieldValue)}</sf:${f}>`,
      )
      .join('\n');
    return `      <Notification>\n        <Id>${notificationId}</Id>\n        <sObject xsi:type="sf:${type}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">\n${values}\n        </sObject>\n      </Notification>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    '  <soapenv:Body>',
    '    <notifications xmlns="http://soap.sforce.com/2005/09/outbound">',
    `      <OrganizationId>${org.id}</OrganizationId>`,
    `      <ActionId>${actionId}</ActionId>`,
    '      <SessionId xsi:nil="true"/>',
    `      <EnterpriseUrl>${baseUrl}/services/Soap/c/${API_VERSION}/${org.id15}</EnterpriseUrl>`,
    `      <PartnerUrl>${baseUrl}/services/Soap/u/${API_VERSION}/${org.id15}</PartnerUrl>`,
    ...parts,
    '    </notifications>',
    '  </soapenv:Body>',
    '</soapenv:Envelope>',
    '',
  ].join('\n');
}

const ackParser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: true });

/** True only for a SOAP `notificationsResponse` carrying `<Ack>true</Ack>`. */
export function isAck(body: string): boolean {
  try {
    const doc = ackParser.parse(body) as { Envelope?: { Body?: { notificationsResponse?: { Ack?: unknown } } } };
    const ack = doc.Envelope?.Body?.notificationsResponse?.Ack;
    return ack === true || ack === 'true';
  } catch {
    return false;
  }
}

export class OutboundDispatcher {
  private readonly configs = new Map<string, OutboundConfig>();
  private readonly actionIds = new Map<string, string>();
  private readonly queued = new Map<string, Delivery>();
  private readonly scheduled = new Set<Delivery>();
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(private readonly opts: OutboundOptions) {}

  configure(orgId: string, config: Partial<OutboundConfig>): void {
    const current = this.configs.get(orgId) ?? { url: null, objects: { ...DEFAULT_OUTBOUND_FIELDS } };
    this.configs.set(orgId, { ...current, ...config });
  }

  configFor(orgId: string): OutboundConfig {
    return this.configs.get(orgId) ?? { url: null, objects: {} };
  }

  private actionIdFor(org: Org, type: SObjectType): string {
    const key = `${org.id}:${type}`;
    let id = this.actionIds.get(key);
    if (!id) {
      id = org.ids.next(KEY_PREFIX.OutboundAction);
      this.actionIds.set(key, id);
    }
    return id;
  }

  /** Workflow rule "created, and every time it's edited": queue a notification for creates and updates. */
  onChange(org: Org, change: RecordChange): void {
    if (this.closed || change.changeType === 'DELETE') return;
    const config = this.configFor(org.id);
    if (!config.url || !config.objects[change.type]) return;
    const actionId = this.actionIdFor(org, change.type);
    const notification = {
      notificationId: org.ids.next(KEY_PREFIX.OutboundNotification),
      type: change.type,
      recordId: change.recordId,
    };
    // Batch changes of one tick into one message (≤100 notifications), as the platform batches queued messages.
    let delivery = this.queued.get(actionId);
    if (!delivery || delivery.notifications.length >= MAX_PER_MESSAGE) {
      delivery = {
        org,
        type: change.type,
        actionId,
        notifications: [],
        attempts: 0,
        firstAttemptAt: this.opts.now(),
        timer: null,
      };
      this.queued.set(actionId, delivery);
      this.schedule(delivery, 0);
    }
    delivery.notifications.push(notification);
  }

  private schedule(delivery: Delivery, delayMs: number): void {
    this.scheduled.add(delivery);
    delivery.timer = setTimeout(() => {
      this.scheduled.delete(delivery);
      delivery.timer = null;
      if (this.queued.get(delivery.actionId) === delivery) this.queued.delete(delivery.actionId);
      void this.attempt(delivery);
    }, delayMs);
  }

  private async attempt(delivery: Delivery): Promise<void> {
    const config = this.configFor(delivery.org.id);
    if (this.closed || !config.url) return this.settle();
    this.inFlight++;
    delivery.attempts++;
    const fields = config.objects[delivery.type] ?? ['Id'];
    const items = delivery.notifications.flatMap((n) => {
      const record = delivery.org.store.get(n.type, n.recordId, true);
      return record ? [{ notificationId: n.notificationId, type: n.type, record, fields }] : [];
    });
    let acked = false;
    let reason: string;
    try {
      const response = await fetch(config.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'text/xml; charset=utf-8',
          SOAPAction: '""',
          'User-Agent': 'Salesforce Sandbox Outbound Messaging',
        },
        body: buildEnvelope(delivery.org, this.opts.baseUrl(), delivery.actionId, items),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      const text = await response.text();
      acked = response.status === 200 && isAck(text);
      reason = acked ? 'ack' : `HTTP ${response.status} without Ack=true`;
    } catch (e) {
      reason = e instanceof Error ? e.message : String(e);
    }
    this.inFlight--;
    const ids = delivery.notifications.map((n) => n.notificationId).join(',');
    if (acked) {
      this.opts.log(
        `outbound: delivered ${delivery.notifications.length} ${delivery.type} notification(s) [${ids}] on attempt ${delivery.attempts}`,
      );
    } else if (
      this.closed ||
      delivery.attempts >= this.opts.maxAttempts ||
      this.opts.now() - delivery.firstAttemptAt > DAY_MS
    ) {
      this.opts.log(`outbound: dropped [${ids}] after ${delivery.attempts} attempt(s): ${reason}`);
    } else {
      const delay = this.opts.retryBaseMs * Math.min(MAX_DELAY_FACTOR, 2 ** (delivery.attempts - 1));
      this.opts.log(`outbound: attempt ${delivery.attempts} for [${ids}] failed (${reason}); retrying in ${delay} ms`);
      this.schedule(delivery, delay);
    }
    this.settle();
  }

  private settle(): void {
    if (this.inFlight === 0 && this.scheduled.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Resolves once nothing is queued, scheduled for retry or in flight. */
  flush(): Promise<void> {
    if (this.inFlight === 0 && this.scheduled.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const d of this.scheduled) if (d.timer) clearTimeout(d.timer);
    this.scheduled.clear();
    this.queued.clear();
    this.settle();
  }
}
