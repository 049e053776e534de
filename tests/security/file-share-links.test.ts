import { checkOutput, neutraliseQuote } from '../../src/guardrails/output-gate.js';
import { normalise } from '../../src/guardrails/text/normalize.js';
import { gateFacts, draftWrite } from '../helpers/gate.js';
import { linearGrowth, repeatedTo } from '../helpers/linear.js';

/**
 * A link to a file share: a UNC path (\\host\share) or a file: URL. A mail client or browser that follows one connects
 * to that host over SMB and hands it the reader's Windows credentials, whatever the host is written as (an IP address,
 * a bare server name). The gate knew such links only with a domain it could read as a host: "\\192.168.1.5\share" and
 * "file:///..." passed in a model's draft. Ordinary mentions of a file or a Windows path stay clean.
 */
const held = (body: string) => checkOutput(draftWrite(body), gateFacts()).problems.map((p) => p.kind);

describe('file-share links', () => {
  test.each([
    'Hi Anna, the signed copy is on \\\\192.168.1.5\\share\\contract.pdf for you.',
    'Hi Anna, the signed copy is on \\\\fileserver\\finance\\contract.pdf.',
    'Hi Anna, see [the contract](\\\\10.0.0.7\\docs\\c.pdf).',
    'Hi Anna, open file:///C:/Users/Public/contract.pdf to review it.',
    'Hi Anna, open file://///10.0.0.7/docs/contract.pdf to review it.',
    'Hi Anna, open FILE:/etc/passwd to review it.',
  ])('a draft linking a file share is held: %j', (body) => {
    expect(held(body)).toContain('link');
  });
  test('a quote of the customer loses the share path', () => {
    const quote = neutraliseQuote(
      'Our budget is tight; the figures are on \\\\192.168.1.5\\finance\\q3.xlsx',
      gateFacts(),
    );
    expect(normalise(quote)).not.toContain('192.168.1.5');
  });
  test.each([
    'Hi Anna, please see the file: contract.pdf attached.',
    'Hi Anna, save it as C:\\Users\\anna\\report.xlsx and send it back when you can.',
    'Hi Anna, our profile page lists both options.',
    'Hi Anna, thank you for your note about the budget. Could we talk on a call this week?',
  ])('ordinary text stays clean: %j', (body) => {
    expect(held(body)).toEqual([]);
  });
  test('reading stays linear on long runs of backslashes and file: prefixes', () => {
    for (const unit of ['\\\\a', 'file:/', '\\\\ ', '\\\\a\\b ']) {
      const make = repeatedTo(unit, 40_000);
      expect({ unit, ...linearGrowth(make, (s) => checkOutput(draftWrite(s), gateFacts())) }).toMatchObject({
        linear: true,
      });
    }
  });
});
