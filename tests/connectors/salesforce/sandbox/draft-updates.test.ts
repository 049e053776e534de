import './no-proxy.js';
import type { Connection } from 'jsforce';
import { createSalesforceConnector } from '../../../../connectors/salesforce/index.js';
import type { SalesforceSandbox } from '../../../../connectors/salesforce/sandbox/index.js';
import type { ConnectionContext, DraftEmailWrite, DraftText } from '../../../../src/core/connector.js';
import { connect, startSandbox } from './helpers.js';

/**
 * A draft EmailMessage (Status 5) closeloop wrote, written again after the CRM renamed or re-addressed what it names
 * (`updateDraftEmail`) or withdrawn (`withdrawDraftEmail`): Salesforce updates an EmailMessage only while it is a draft
 * (BEHAVIOR.md "Draft emails"), and a draft the rep edited is theirs: never rewritten, never deleted.
 */
describe('Salesforce: a draft EmailMessage written again or withdrawn', () => {
  let sandbox: SalesforceSandbox;
  let conn: Connection;
  let orgId: string;
  let ctx: ConnectionContext;
  let oppId: string;
  let contactId: string;
  const connector = createSalesforceConnector();
  let n = 0;
  beforeAll(async () => {
    sandbox = await startSandbox();
    orgId = sandbox.orgIds()[0]!;
    conn = await connect(sandbox);
    ctx = {
      connectionId: 'draft-updates',
      accountId: orgId,
      apiBase: conn.instanceUrl,
      getAccessToken: async () => conn.accessToken!,
      forceRefresh: async () => conn.accessToken!,
    };
    oppId = String(sandbox.store.list(orgId, 'Opportunity')[0]!.Id);
    contactId = String(sandbox.store.list(orgId, 'Contact')[0]!.Id);
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const before: DraftText = {
    subject: 'Re: renewal',
    body: 'Hi Ben,\n\nI would like to find a way forward on Bravo renewal.\n\nRiley',
    to: { name: 'Ben Kay', email: 'ben@bravo.example' },
    reply: true,
  };
  const after: DraftText = {
    ...before,
    body: 'Hi Ben,\n\nI would like to find a way forward on Bravo logistics renewal.\n\nRiley',
    to: { name: 'Ben Kay', email: 'ben.kay@bravo-group.example' },
  };
  const written = async (): Promise<{ id: string; key: string }> => {
    const key = `sug_du_${++n}:draft`;
    const draft: DraftEmailWrite = {
      subject: before.subject,
      body: before.body,
      to: before.to,
      toContactIds: [contactId],
      ownerId: null,
      idempotencyKey: key,
      dealId: oppId,
      companyId: null,
    };
    return { id: (await connector.createDraftEmail(ctx, draft)).externalId, key };
  };
  const read = async (id: string) =>
    (
      await conn.query<{ Status: string; ToAddress: string; TextBody: string; HtmlBody: string }>(
        `SELECT Status, ToAddress, TextBody, HtmlBody FROM EmailMessage WHERE Id = '${id}'`,
      )
    ).records[0];

  it('the sandbox: a draft takes an update; a sent message refuses one (INSUFFICIENT_ACCESS_OR_READONLY)', async () => {
    const { id } = await written();
    await conn.sobject('EmailMessage').update({ Id: id, Subject: 'Edited' });
    const sent = sandbox.store.create(orgId, 'EmailMessage', {
      Subject: 'Sent',
      TextBody: 'x',
      Status: '3',
      Incoming: false,
      RelatedToId: oppId,
    });
    await expect(conn.sobject('EmailMessage').update({ Id: sent, Subject: 'Edited' })).rejects.toMatchObject({
      errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY',
    });
  });

  it('a draft closeloop wrote is written again in place: new text and address, still a draft; again is a no-op', async () => {
    const { id, key } = await written();
    const change = { ...after, previous: before, idempotencyKey: key };
    await expect(connector.updateDraftEmail!(ctx, id, change)).resolves.toEqual({ state: 'updated' });
    expect(await read(id)).toMatchObject({
      Status: '5',
      ToAddress: 'ben.kay@bravo-group.example',
      TextBody: after.body,
    });
    expect((await read(id))!.HtmlBody).toContain('Bravo logistics renewal');
    // A retry after the write landed finds the new draft there: written again, the same.
    await expect(connector.updateDraftEmail!(ctx, id, change)).resolves.toEqual({ state: 'updated' });
    expect((await read(id))!.TextBody).toBe(after.body);
  });

  it('a draft the rep edited is neither rewritten nor deleted', async () => {
    const { id, key } = await written();
    const mine = 'Ben, happy to phase it over two quarters. Riley';
    await conn.sobject('EmailMessage').update({ Id: id, HtmlBody: `<p>${mine}</p>`, TextBody: mine });
    await expect(
      connector.updateDraftEmail!(ctx, id, { ...after, previous: before, idempotencyKey: key }),
    ).resolves.toEqual({ state: 'kept_for_rep' });
    await expect(connector.withdrawDraftEmail(ctx, id, 'the deal was closed', key, before)).resolves.toEqual({
      state: 'kept_for_rep',
    });
    expect(await read(id)).toMatchObject({ Status: '5', TextBody: mine, ToAddress: 'ben@bravo.example' });
    // The rep re-addressed it themselves: theirs too.
    const other = await written();
    await conn.sobject('EmailMessage').update({ Id: other.id, ToAddress: 'ben@elsewhere.example' });
    await expect(connector.withdrawDraftEmail(ctx, other.id, 'x', other.key, before)).resolves.toEqual({
      state: 'kept_for_rep',
    });
  });

  it('a draft as closeloop wrote it is withdrawn (deleted); a sent or deleted one is left alone', async () => {
    const { id, key } = await written();
    await expect(connector.withdrawDraftEmail(ctx, id, 'the deal was closed', key, before)).resolves.toEqual({
      state: 'withdrawn',
    });
    expect(await read(id)).toBeUndefined();
    await expect(
      connector.updateDraftEmail!(ctx, id, { ...after, previous: before, idempotencyKey: key }),
    ).resolves.toEqual({ state: 'deleted' });
    const sent = await written();
    sandbox.store.update(orgId, 'EmailMessage', sent.id, { Status: '3' });
    await expect(
      connector.updateDraftEmail!(ctx, sent.id, { ...after, previous: before, idempotencyKey: sent.key }),
    ).resolves.toEqual({ state: 'sent' });
    expect((await read(sent.id))!.TextBody).toBe(before.body);
  });
});
