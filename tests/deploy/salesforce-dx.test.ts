import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import {
  SALESFORCE_API_VERSION,
  SALESFORCE_FIELDS,
  SALESFORCE_IDEMPOTENCY_FIELD,
} from '../../connectors/salesforce/manifest.js';
import { ROOT } from '../helpers/db.js';

/**
 * The Salesforce DX project under deploy/salesforce: the setup a write-back and the change stream need, as metadata.
 */
const DX = path.join(ROOT, 'deploy', 'salesforce');
const SRC = path.join(DX, 'force-app', 'main', 'default');
const xml = (file: string) =>
  new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(readFileSync(file, 'utf8'));

describe('deploy/salesforce: Salesforce DX project (source format)', () => {
  test("sfdx-project.json: one default package directory, an API version at least the connector's, packageable as an unlocked package", () => {
    const project = JSON.parse(readFileSync(path.join(DX, 'sfdx-project.json'), 'utf8'));
    expect(project.sourceApiVersion).toMatch(/^\d+\.0$/);
    expect(Number(project.sourceApiVersion)).toBeGreaterThanOrEqual(Number(SALESFORCE_API_VERSION));
    expect(project.packageDirectories).toHaveLength(1);
    expect(project.packageDirectories[0]).toMatchObject({
      path: 'force-app',
      default: true,
      package: 'closeloop',
      versionNumber: expect.stringMatching(/^\d+\.\d+\.\d+\.NEXT$/),
    });
    expect(existsSync(path.join(DX, project.packageDirectories[0].path))).toBe(true);
  });

  // Task and Event custom fields are defined on Activity; EmailMessage has its own.
  test.each([['Activity'], ['EmailMessage']])(
    '%s.Closeloop_Key__c: Text(255), External ID, Unique, not required',
    (object) => {
      const file = path.join(SRC, 'objects', object, 'fields', `${SALESFORCE_IDEMPOTENCY_FIELD}.field-meta.xml`);
      const f = xml(file).CustomField;
      expect(f['@_xmlns']).toBe('http://soap.sforce.com/2006/04/metadata');
      expect(f).toMatchObject({
        fullName: SALESFORCE_IDEMPOTENCY_FIELD,
        type: 'Text',
        length: '255',
        externalId: 'true',
        unique: 'true',
        required: 'false',
        caseSensitive: 'false',
      });
    },
  );

  test('no field file under objects/Task: Salesforce refuses custom fields there (they belong to Activity)', () => {
    expect(existsSync(path.join(SRC, 'objects', 'Task'))).toBe(false);
  });

  test('permission set: read/write on both keys, API and task editing, nothing broad', () => {
    const p = xml(path.join(SRC, 'permissionsets', 'Closeloop_Integration.permissionset-meta.xml')).PermissionSet;
    const fields = [p.fieldPermissions].flat();
    for (const f of [`Activity.${SALESFORCE_IDEMPOTENCY_FIELD}`, `EmailMessage.${SALESFORCE_IDEMPOTENCY_FIELD}`]) {
      expect(fields).toContainEqual({ field: f, editable: 'true', readable: 'true' });
    }
    const perms = [p.userPermissions]
      .flat()
      .filter((u: { enabled: string }) => u.enabled === 'true')
      .map((u: { name: string }) => u.name);
    expect(perms).toEqual(expect.arrayContaining(['ApiEnabled', 'EditTask']));
    for (const broad of ['ModifyAllData', 'ViewAllData', 'ManageUsers', 'CustomizeApplication', 'AuthorApex'])
      expect(perms).not.toContain(broad);
    for (const o of [p.objectPermissions].flat())
      expect(o).toMatchObject({ modifyAllRecords: 'false', viewAllRecords: 'false', allowDelete: 'false' });
  });

  test('Change Data Capture: one ChangeEvents member per sObject the connector syncs, named ChangeEvents_<Entity>ChangeEvent', () => {
    const dir = path.join(SRC, 'platformEventChannelMembers');
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.platformEventChannelMember-meta.xml'))
      .sort();
    const expected = Object.keys(SALESFORCE_FIELDS)
      .map((s) => `ChangeEvents_${s}ChangeEvent.platformEventChannelMember-meta.xml`)
      .sort();
    expect(files).toEqual(expected);
    for (const f of files) {
      const m = xml(path.join(dir, f)).PlatformEventChannelMember;
      expect(m).toMatchObject({
        eventChannel: 'ChangeEvents',
        selectedEntity: f.replace(/^ChangeEvents_/, '').replace(/\.platformEventChannelMember-meta\.xml$/, ''),
      });
    }
  });
});
