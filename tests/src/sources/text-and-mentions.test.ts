import { normalizeEmail } from '../../../src/resolve/index.js';
import { companyDomain, findCompanyMentions, looseEmailKey } from '../../../src/sources/link-participants.js';
import {
  classifyMessage,
  mentionedHosts,
  slackPermalink,
  slackToText,
  SlackMessageEvent,
} from '../../../src/sources/slack-events.js';
import { fixture } from './helpers.js';

describe('linking helpers', () => {
  test('equal normalized emails always share a loose key (the SQL index prefilter can only over-match)', () => {
    const same = ['Jane.Doe+crm@GoogleMail.com', 'janedoe@gmail.com', ' JANE.DOE@gmail.com '];
    const keys = same.map((e) => looseEmailKey(normalizeEmail(e).normalized!));
    expect(new Set(keys)).toEqual(new Set(['janedoe@gmail.com']));
    // Outside Gmail dots and tags are significant for the exact match; the loose key still groups them.
    expect(normalizeEmail('jane.doe@acme.com').normalized).not.toBe(normalizeEmail('janedoe@acme.com').normalized);
    expect(looseEmailKey('jane.doe@acme.com')).toBe(looseEmailKey('janedoe+x@acme.com'));
  });

  test('company domains: subdomains fold to the registrable domain, free mail is none', () => {
    expect(companyDomain('ada@eu.sales.acme.co.uk')).toBe('acme.co.uk');
    expect(companyDomain('https://www.Acme.com/about')).toBe('acme.com');
    expect(companyDomain('bob@gmail.com')).toBeNull();
    expect(companyDomain('bob@yahoo.co.uk')).toBeNull();
    expect(companyDomain('not an address')).toBeNull();
  });

  test('company names are found by their normalized key, not by substring', () => {
    const companies = [
      { id: 'globex', name: 'Globex Corporation' },
      { id: 'muller', name: 'Müller & Söhne GmbH' },
      { id: 'acme', name: 'ACME, Inc.' },
      { id: 'box', name: 'Box' },
      { id: 'the-initech', name: 'The Initech Group LLC' },
      { id: 'target', name: 'Target' },
    ];
    expect(findCompanyMentions('call with globex corp tomorrow', companies)).toEqual(['globex']);
    expect(findCompanyMentions('Mueller and Soehne signed!', companies)).toEqual(['muller']);
    expect(findCompanyMentions('Acme wants a discount', companies)).toEqual(['acme']);
    expect(findCompanyMentions('acme wants a discount', companies)).toEqual([]); // one word, lowercase: an ordinary word?
    expect(findCompanyMentions('put it in the Box', companies)).toEqual([]); // shorter than 4 letters
    expect(findCompanyMentions('our target is Q3', companies)).toEqual([]);
    expect(findCompanyMentions('initech group renewal', companies)).toEqual(['the-initech']);
    expect(findCompanyMentions('Globexx and Acmes', companies)).toEqual([]);
  });
});

describe('Slack text', () => {
  test('mrkdwn to plain text', () => {
    expect(
      slackToText(
        'see <https://acme.com/pricing|the pricing> &amp; ask <@U123> in <#C9|deals> <!here> <mailto:a@acme.com|a@acme.com> <https://x.io>',
      ),
    ).toBe('see the pricing & ask @U123 in #deals @here a@acme.com https://x.io');
  });

  test('mentioned hosts: link targets behind labels, bare domains, email domains; tool links ignored', () => {
    expect(
      mentionedHosts(
        'see <https://www.initech.example/pricing|pricing>, mail <mailto:bo@globex.com|Bo>, or hooli.io. <https://docs.google.com/x|doc> <https://zoom.us/j/1>',
      ).sort(),
    ).toEqual(['globex.com', 'hooli.io', 'initech.example']);
  });

  test('permalinks', () => {
    expect(slackPermalink('acme', 'C0DEALS01', '1767261600.000200')).toBe(
      'https://acme.slack.com/archives/C0DEALS01/p1767261600000200',
    );
    expect(slackPermalink('acme', 'C1', '1767261700.000100', '1767261600.000200')).toBe(
      'https://acme.slack.com/archives/C1/p1767261700000100?thread_ts=1767261600.000200&cid=C1',
    );
  });

  test('message classification', () => {
    const ev = (name: string) => SlackMessageEvent.parse(fixture(name).event);
    expect(classifyMessage(ev('slack-message.json'))).toMatchObject({
      action: 'upsert',
      ts: '1767261600.000200',
      updatedTs: '1767261600.000200',
    });
    expect(classifyMessage(ev('slack-message-changed.json'))).toMatchObject({
      action: 'upsert',
      ts: '1767261600.000200',
      updatedTs: '1767261900.000000',
    });
    expect(classifyMessage(ev('slack-message-deleted.json'))).toEqual({
      action: 'delete',
      channel: 'C0DEALS01',
      ts: '1767261600.000200',
    });
    expect(classifyMessage(ev('slack-bot-message.json'))).toEqual({ action: 'ignore', reason: 'bot_message' });
    const base = ev('slack-message.json');
    expect(classifyMessage({ ...base, bot_id: 'B1' })).toEqual({ action: 'ignore', reason: 'bot_message' });
    expect(classifyMessage({ ...base, subtype: 'channel_join' })).toEqual({
      action: 'ignore',
      reason: 'subtype:channel_join',
    });
    expect(classifyMessage({ ...base, channel_type: 'im', channel: 'D123' })).toEqual({
      action: 'ignore',
      reason: 'direct_message',
    });
    expect(classifyMessage({ ...base, text: '  ' })).toEqual({ action: 'ignore', reason: 'empty' });
    const changed = ev('slack-message-changed.json');
    expect(classifyMessage({ ...changed, message: { ...changed.message!, subtype: 'tombstone' } })).toEqual({
      action: 'delete',
      channel: 'C0DEALS01',
      ts: '1767261600.000200',
    });
    expect(classifyMessage({ ...changed, message: { ...changed.message!, bot_id: 'B2' } })).toEqual({
      action: 'ignore',
      reason: 'bot_message',
    });
  });
});
