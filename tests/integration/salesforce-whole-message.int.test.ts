import { Connection } from 'jsforce';
import type { SalesforceSandbox } from '../../connectors/salesforce/sandbox/index.js';
import { TokenCipher } from '../../src/lib/crypto.js';
import { TEST_KEY } from '../helpers/closeloop.js';
import {
  backfilled,
  installSalesforce,
  salesRep,
  startSalesforceLoop,
  waitFor,
  type SalesforceLoop,
} from '../helpers/salesforce.js';

const DAY = 86_400_000;
const DRAFT = '5';

interface TaskRow {
  Id: string;
  Subject: string;
  Description: string;
  ActivityDate: string;
  Priority: string;
  Status: string;
  WhoId: string | null;
  WhatId: string;
  OwnerId: string;
}
interface MailRow {
  Id: string;
  Subject: string;
  ToAddress: string | null;
  FromAddress: string | null;
  Status: string;
  TextBody: string;
  HtmlBody: string;
  ReplyToEmailMessageId: string | null;
}

/**
 * The Salesforce side of the whole message, read back through jsforce as the rep sees it: a budget concern with a
 * question and a competitor in one email, two questions waiting for an answer, mail in Japanese, Chinese and Korean,
 * an email written by a Lead (or by someone no contact is) on an opportunity, names too long for Task.Subject, and a
 * rep who answers after the task was written (the Task completed with the reason, its draft EmailMessage deleted).
 */
describe(`the whole message in Salesforce (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let loop: SalesforceLoop;
  let sf: SalesforceSandbox;
  let orgId: string;
  let owner: string;
  let conn: Connection;
  const O: Record<string, string> = {};
  const P: Record<string, string> = {};
  const M: Record<string, string> = {};

  const opp = (key: string, name: string, stage: string, first: string, last: string, email: string) => {
    const account = sf.store.create(orgId, 'Account', { Name: `${key} account` });
    P[key] = sf.store.create(orgId, 'Contact', { FirstName: first, LastName: last, Email: email, AccountId: account });
    O[key] = sf.store.create(orgId, 'Opportunity', {
      Name: name,
      StageName: stage,
      CloseDate: '2030-01-31',
      Amount: 24000,
      AccountId: account,
      OwnerId: owner,
    });
    sf.store.create(orgId, 'OpportunityContactRole', { OpportunityId: O[key], ContactId: P[key], IsPrimary: true });
  };
  /** An email the customer wrote to the rep, logged on the opportunity. */
  const incoming = (key: string, ago: number, subject: string, body: string, from: string, extra = {}) =>
    (M[key] = sf.store.create(orgId, 'EmailMessage', {
      Subject: subject,
      TextBody: body,
      Status: '3',
      Incoming: true,
      FromAddress: from,
      MessageDate: new Date(Date.now() - ago).toISOString(),
      RelatedToId: O[key],
      ToIds: [owner],
      ...extra,
    }));
  const tasks = async (key: string) =>
    (
      await conn.query<TaskRow>(
        `SELECT Id, Subject, Description, ActivityDate, Priority, Status, WhoId, WhatId, OwnerId FROM Task WHERE WhatId = '${O[key]}'`,
      )
    ).records;
  const drafts = async (key: string) =>
    (
      await conn.query<MailRow>(
        `SELECT Id, Subject, ToAddress, FromAddress, Status, TextBody, HtmlBody, ReplyToEmailMessageId FROM EmailMessage WHERE RelatedToId = '${O[key]}' AND Status = '${DRAFT}'`,
      )
    ).records;
  /** No analysis or write-back waiting, twice a second apart. */
  const settle = async () => {
    let quiet = 0;
    await waitFor(
      async () => {
        const busy = (
          await loop.cl.store.db.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pgboss.job WHERE name IN ('analyze', 'writeback') AND state IN ('created', 'retry', 'active')",
          )
        ).rows[0]!.n;
        quiet = busy === 0 && (await loop.cl.store.inbox.count()).pending === 0 ? quiet + 1 : 0;
        if (quiet < 2) await new Promise((r) => setTimeout(r, 1_000));
        return quiet >= 2;
      },
      120_000,
      'the opportunities to settle',
    );
  };

  beforeAll(async () => {
    loop = await startSalesforceLoop();
    ({ sf, orgId } = loop);
    owner = salesRep(sf, orgId, { FirstName: 'Dana', LastName: 'Seller', Email: 'dana@seller.example', Alias: 'dsel' });
    opp('mixed', 'Acme platform', 'Negotiation/Review', 'Priya', 'Natarajan', 'priya@acme.example');
    incoming(
      'mixed',
      2 * DAY,
      'Re: Proposal',
      'Hi Dana, finance cut our budget this quarter so we cannot sign at this price. Also, does your platform support SAML single sign-on? We are also looking at Pipedrive, which came in cheaper.',
      'priya@acme.example',
    );
    opp('docs', 'Bolt analytics', 'Qualification', 'Tom', 'Becker', 'tom@bolt.example');
    incoming(
      'docs',
      DAY + 3_600_000,
      'Security review',
      'Hello Dana, could you send us your SOC 2 report before our review on Thursday? And do you offer data residency in the EU?',
      'tom@bolt.example',
    );
    opp('ja', 'Kaisha rollout', 'Negotiation/Review', 'Haruto', 'Sato', 'sato@kaisha.example');
    incoming(
      'ja',
      DAY,
      'お見積りについて',
      'ダナ様\n\nお世話になっております。今期の予算が削減されたため、現在の価格では契約できません。\n\nよろしくお願いいたします。\n佐藤',
      'sato@kaisha.example',
    );
    opp('zh', 'Huawen pilot', 'Qualification', 'Wei', 'Zhang', 'wei@huawen.example');
    incoming(
      'zh',
      DAY + 3_600_000,
      '关于安全审查',
      '您好，请问你们能在周四之前发送SOC 2报告吗？另外，你们是否支持欧盟数据驻留？',
      'wei@huawen.example',
    );
    opp('ko', 'Hanguk deal', 'Negotiation/Review', 'Minji', 'Kim', 'minji@hanguk.example');
    incoming(
      'ko',
      DAY,
      '견적 관련',
      '안녕하세요. 이번 분기 예산이 삭감되어 현재 가격으로는 계약할 수 없습니다.',
      'minji@hanguk.example',
    );
    opp('answered', 'Fox pilot', 'Negotiation/Review', 'Femi', 'Okafor', 'femi@fox.example');
    incoming(
      'answered',
      DAY,
      'Pilot pricing',
      'Our budget is frozen until Q3, we cannot move ahead at this cost.',
      'femi@fox.example',
    );
    // Written by a Lead copied on the thread (not on the opportunity's contact roles): the reply goes to them.
    opp('lead', 'Zeta expansion', 'Negotiation/Review', 'Zoe', 'Zed', 'zoe@zeta.example');
    P.leadWriter = sf.store.create(orgId, 'Lead', {
      FirstName: 'Liam',
      LastName: 'Lund',
      Company: 'Zeta',
      Email: 'liam@zeta.example',
    });
    incoming(
      'lead',
      DAY,
      'Pricing',
      'Our budget was cut this quarter, we cannot sign at this price.',
      'liam@zeta.example',
      {
        FromName: 'Liam Lund',
        CcIds: [P.leadWriter],
      },
    );
    // Written by someone no contact or lead is: nobody else is thanked for it, or named as its writer.
    opp('stranger', 'Yolo renewal', 'Negotiation/Review', 'Yara', 'Young', 'yara@yolo.example');
    incoming('stranger', DAY, 'Renewal', 'Our budget was cut, we cannot renew at this price.', 'cfo@yolo.example');
    // Names as long as Salesforce allows (FirstName 40, LastName 80, Opportunity.Name 120).
    opp(
      'long',
      'Enterprise-wide platform consolidation and multi-region rollout for the Northern Europe and DACH subsidiaries, phase II',
      'Negotiation/Review',
      'Maximiliana-Alexandrina-Josephina',
      'Featherstonehaugh-Cholmondeley-Worthington-Smythe-Marjoribanks-Urquhart',
      'max@long.example',
    );
    incoming(
      'long',
      DAY,
      'Re: Pricing',
      'Our budget was cut, we cannot sign at this price. Can you also send the security questionnaire?',
      'max@long.example',
    );

    await installSalesforce(loop.cl);
    const row = await backfilled(loop.cl, orgId, 60_000);
    conn = new Connection({
      instanceUrl: sf.url,
      accessToken: new TokenCipher(TEST_KEY).decrypt(row.access_token_enc),
      version: '62.0',
    });
    // The first analysis also loads the signal models (tens of seconds on a loaded machine).
    const keys = ['mixed', 'docs', 'ja', 'zh', 'ko', 'answered', 'lead', 'stranger', 'long'];
    await waitFor(
      async () => (await Promise.all(keys.map(async (k) => (await tasks(k)).length > 0))).every(Boolean) || null,
      150_000,
      'a Task on every opportunity',
    );
    await settle();
  }, 300_000);
  afterAll(async () => {
    await loop.stop();
  });

  test('budget, question and competitor in one email: one Task names all three, one threaded draft passes over none', async () => {
    const [task, ...more] = await tasks('mixed');
    expect(more).toHaveLength(0);
    expect(task).toMatchObject({
      Subject: "Answer Priya Natarajan's budget concern and question on Acme platform",
      Priority: 'High',
      Status: 'Not Started',
      WhoId: P.mixed,
      OwnerId: owner,
    });
    expect(task!.ActivityDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(task!.Description).toContain('In the same email they also asked a question and named a competitor');
    expect(task!.Description).toMatch(/Their question, from Priya Natarajan's email of .*: "Also, does your platform/);
    expect(task!.Description).toContain(`/lightning/r/EmailMessage/${M.mixed}/view`);
    const [draft, ...other] = await drafts('mixed');
    expect(other).toHaveLength(0);
    expect(draft).toMatchObject({
      Subject: 'Re: Proposal',
      ToAddress: 'priya@acme.example',
      FromAddress: 'dana@seller.example',
      ReplyToEmailMessageId: M.mixed,
    });
    expect(draft!.TextBody).toMatch(/^Hi Priya,\n/);
    expect(draft!.TextBody).toContain('I understand you are also looking at other options');
    expect(draft!.TextBody).toContain('As for the other question in your email');
    expect(draft!.HtmlBody).toContain('<p>Hi Priya,</p>');
    expect(draft!.TextBody + draft!.HtmlBody).not.toMatch(/Pipedrive|SAML|single sign-on|cheaper|\{\{|\[[A-Z_]+\]/);
  });

  test('two questions waiting a day: both quoted, a same-day Task, and a draft promising both', async () => {
    const [task] = await tasks('docs');
    expect(task).toMatchObject({ Subject: "Answer Tom Becker's questions on Bolt analytics", WhoId: P.docs });
    expect(task!.Description).toMatch(/They also asked, in Tom Becker's email of .*: "And do you offer data residency/);
    expect(task!.Description).toContain('A draft email ("Re: Security review") is ready for you to review and send.');
    const [draft, ...other] = await drafts('docs');
    expect(other).toHaveLength(0);
    expect(draft).toMatchObject({ Subject: 'Re: Security review', ToAddress: 'tom@bolt.example' });
    expect(draft!.ReplyToEmailMessageId).toBe(M.docs);
    expect(draft!.TextBody).toContain('I am also looking into your other question');
    expect(draft!.TextBody).not.toMatch(/Thursday|residency|\d|\{\{/);
  });

  test.each([
    ['ja', "Answer Haruto Sato's budget concern on Kaisha rollout", '今期の予算が削減されたため', 'Japanese'],
    ['zh', "Answer Wei Zhang's questions on Huawen pilot", '你们是否支持欧盟数据驻留', 'Chinese'],
    ['ko', "Answer Minji Kim's budget concern on Hanguk deal", '예산이 삭감되어', 'Korean'],
  ])('mail in %s: a Task quoting it and a draft to translate before sending', async (key, subject, quote, language) => {
    const [task, ...more] = await tasks(key);
    expect(more).toHaveLength(0);
    expect(task!.Subject).toBe(subject);
    expect(task!.Description).toContain(quote);
    expect(task!.Description).toContain(
      `but the customer wrote in ${language}: write it in ${language} before sending.`,
    );
    const [draft] = await drafts(key);
    expect(draft!.ReplyToEmailMessageId).toBe(M[key]);
    expect(draft!.Subject).toMatch(/^Re: /);
  });

  test('an email written by a Lead on the opportunity: the draft answers the Lead, not the primary contact', async () => {
    const [task] = await tasks('lead');
    expect(task!.Subject).toBe("Answer Liam Lund's budget concern on Zeta expansion");
    const [draft, ...other] = await drafts('lead');
    expect(other).toHaveLength(0);
    expect(draft).toMatchObject({ ToAddress: 'liam@zeta.example', ReplyToEmailMessageId: M.lead });
    expect(draft!.TextBody).toMatch(/^Hi Liam,\n/);
    const to = await conn.query<{ RelationId: string }>(
      `SELECT RelationId FROM EmailMessageRelation WHERE EmailMessageId = '${draft!.Id}' AND RelationType = 'ToAddress'`,
    );
    expect(to.records.map((r) => r.RelationId)).toEqual([P.leadWriter]);
  });

  test('an email from an address no contact has: no draft to someone else, and nobody else named as its writer', async () => {
    const [task] = await tasks('stranger');
    expect(task!.Subject).toBe('Answer the budget concern on Yolo renewal');
    expect(task!.Description).toContain('"Our budget was cut, we cannot renew at this price."');
    expect(task!.Subject + task!.Description).not.toMatch(/Yara/);
    expect(await drafts('stranger')).toHaveLength(0);
  });

  test('names too long for Task.Subject: cut at a word within 255 characters and marked, the draft still threads', async () => {
    const [task] = await tasks('long');
    // Cut at the last whole word that fits, and marked as cut: not a shorter name that reads as another deal.
    expect(task!.Subject).toBe(
      "Answer Maximiliana-Alexandrina-Josephina Featherstonehaugh-Cholmondeley-Worthington-Smythe-Marjoribanks-Urquhart's budget concern and question on Enterprise-wide platform consolidation and multi-region rollout for the Northern Europe and DACH…",
    );
    const [draft] = await drafts('long');
    expect(draft).toMatchObject({
      ToAddress: 'max@long.example',
      Subject: 'Re: Pricing',
      ReplyToEmailMessageId: M.long,
    });
  });

  test('the rep answers by email: the budget Task is completed with the reason and its draft deleted', async () => {
    const [before] = await drafts('answered');
    expect(before).toBeDefined();
    sf.store.create(orgId, 'EmailMessage', {
      Subject: 'Re: Pilot pricing',
      TextBody: 'Hi Femi, understood. Could we phase the pilot so it fits Q3?',
      Status: '3',
      Incoming: false,
      FromAddress: 'dana@seller.example',
      MessageDate: new Date().toISOString(),
      RelatedToId: O.answered,
      ToIds: [P.answered!],
    });
    const [task] = await waitFor(
      async () => {
        const t = await tasks('answered');
        return t.every((x) => x.Status === 'Completed') ? t : null;
      },
      90_000,
      'the budget Task completed',
    );
    expect(task!.Description).toMatch(
      /^Closed by closeloop: The budget concern was answered: an email was sent on \d+ \w+ \d{4}, after the message that raised it\./,
    );
    await waitFor(async () => (await drafts('answered')).length === 0 || null, 45_000, 'the draft withdrawn');
    const left = await conn.query<{ Id: string }>(`SELECT Id FROM EmailMessage WHERE RelatedToId = '${O.answered}'`);
    expect(left.records).toHaveLength(2);
  }, 120_000);
});
