/** One Salesforce org: identity, users, records, API allowance. */
import { IdFactory, KEY_PREFIX } from './ids.js';
import { ApiAllowance } from './limits.js';
import { OrgStore } from './store.js';

export class Org {
  readonly ids: IdFactory;
  readonly store: OrgStore;
  readonly allowance: ApiAllowance;
  readonly adminUserId: string;
  /** Users holding Modify All Data through a permission set or their profile (the admin, unless a test adds others). */
  readonly modifyAllDataUsers = new Set<string>();

  constructor(
    readonly id: string,
    readonly index: number,
    readonly name: string,
    readonly createdAt: number,
    pod: string,
    dailyAllowance: number,
    now: () => number,
  ) {
    this.ids = new IdFactory(pod);
    this.store = new OrgStore(id, this.ids, now);
    this.allowance = new ApiAllowance(dailyAllowance, now);
    const domain = `org${index + 1}.sandbox.example`;
    this.adminUserId = this.store.insertHistorical(
      'User',
      {
        FirstName: 'Integration',
        LastName: 'Admin',
        Username: `admin@${domain}`,
        Email: `admin@${domain}`,
        Alias: 'iadmin',
        Title: 'Salesforce Administrator',
        CompanyName: name,
      },
      createdAt,
      createdAt,
      `${KEY_PREFIX.User}000000000000AAA`,
    );
    this.modifyAllDataUsers.add(this.adminUserId);
    const admin = this.store.get('User', this.adminUserId);
    if (admin) {
      admin.CreatedById = this.adminUserId;
      admin.LastModifiedById = this.adminUserId;
    }
  }

  /** The 15-character form used inside SOAP endpoint URLs. */
  get id15(): string {
    return this.id.slice(0, 15);
  }
}
