import { foldDiacritics, basicFold } from '../../../src/resolve/normalize/text.js';
import { normalizeCompanyName } from '../../../src/resolve/normalize/company-name.js';
import { normalizeDomain, isFreeMailDomain, registrableDomain } from '../../../src/resolve/normalize/domain.js';
import { normalizeEmail } from '../../../src/resolve/normalize/email.js';
import { normalizePhone } from '../../../src/resolve/normalize/phone.js';
import { normalizePersonName, normalizePersonNameParts } from '../../../src/resolve/normalize/person-name.js';

describe('text folding', () => {
  it('removes diacritics and special letters', () => {
    expect(foldDiacritics('Müller São Ångström Straße Øre Łódź')).toBe('Muller Sao Angstrom Strasse Ore Lodz');
  });
  it('basicFold lowercases, drops punctuation, collapses spaces', () => {
    expect(basicFold('  ACME,   Inc. (EU) ')).toBe('acme inc eu');
  });
});

describe('normalizeCompanyName', () => {
  const n = (s: string | null) => normalizeCompanyName(s).normalized;
  it.each([
    ['Acme Inc.', 'acme'],
    ['ACME, Incorporated', 'acme'],
    ['Acme Corp.', 'acme'],
    ['Acme Corporation', 'acme'],
    ['Acme LLC', 'acme'],
    ['Acme L.L.C.', 'acme'],
    ['Acme GmbH', 'acme'],
    ['Acme Ltd.', 'acme'],
    ['Acme Limited', 'acme'],
    ['Acme S.A.', 'acme'],
    ['Acme SA', 'acme'],
    ['Acme AG', 'acme'],
    ['Acme BV', 'acme'],
    ['Acme B.V.', 'acme'],
    ['Acme PLC', 'acme'],
    ['Acme Co.', 'acme'],
    ['Acme Co., Ltd.', 'acme'],
    ['Acme Pty Ltd', 'acme'],
    ['Acme GmbH & Co. KG', 'acme'],
  ])('strips the legal form: %s → %s', (input, out) => expect(n(input)).toBe(out));
  it('folds case, punctuation and diacritics', () =>
    expect(n('Müller-Lüdenscheidt  Werke!')).toBe('muller ludenscheidt werke'));
  it('treats & and "and" alike', () => expect(n('Johnson & Johnson')).toBe(n('Johnson and Johnson')));
  it('drops a leading "The"', () => expect(n('The Boring Company')).toBe('boring'));
  it('never strips a name to nothing', () => {
    expect(n('Company')).toBe('company');
    expect(n('The')).toBe('the');
  });
  it('keeps the original beside the normalized value and lists removed legal forms', () => {
    expect(normalizeCompanyName('Acme GmbH')).toEqual({
      original: 'Acme GmbH',
      normalized: 'acme',
      key: 'acme',
      legalForms: ['gmbh'],
    });
  });
  it('key folds German ue/oe/ae so Müller and Mueller meet', () => {
    expect(normalizeCompanyName('Müller AG').key).toBe(normalizeCompanyName('Mueller AG').key);
    expect(normalizeCompanyName('Schröder GmbH').key).toBe(normalizeCompanyName('Schroeder GmbH').key);
  });
  it('blank → null', () => {
    expect(normalizeCompanyName('  ')).toEqual({ original: '  ', normalized: null, key: null, legalForms: [] });
    expect(normalizeCompanyName(null).normalized).toBeNull();
  });
});

describe('normalizeDomain', () => {
  const d = (s: string | null) => normalizeDomain(s).normalized;
  it('strips scheme, www, port, path, query', () => {
    expect(d('https://www.Acme.com:8080/about?x=1#top')).toBe('acme.com');
    expect(d('acme.com/')).toBe('acme.com');
    expect(d('//www2.acme.de')).toBe('acme.de');
  });
  it('reads the domain of an email', () => expect(d('Jane@Sales.Acme.com')).toBe('sales.acme.com'));
  it('gives the registrable domain', () => {
    expect(normalizeDomain('https://eu.shop.acme.co.uk').registrable).toBe('acme.co.uk');
    expect(registrableDomain('a.b.acme.com')).toBe('acme.com');
    // The public suffix list (tldts), not a short built-in list: three-label suffixes and country rules.
    expect(registrableDomain('shop.acme.com.br')).toBe('acme.com.br');
    expect(registrableDomain('x.acme.gov.uk')).toBe('acme.gov.uk');
    expect(registrableDomain('mail.acme.kyoto.jp')).toBe('acme.kyoto.jp');
    expect(registrableDomain('www.acme.nom.za')).toBe('acme.nom.za');
  });
  it.each([
    'bob@gmail.com',
    'x@yahoo.co.uk',
    'x@yahoo.de',
    'x@outlook.com',
    'x@hotmail.fr',
    'x@icloud.com',
    'x@gmx.net',
    'x@gmx.de',
    'x@web.de',
    'x@proton.me',
  ])('free mail is not a company domain: %s', (v) => {
    expect(normalizeDomain(v)).toMatchObject({ normalized: null, isFreeMail: true });
  });
  it('free-mail check is exact on the registrable domain', () => {
    expect(isFreeMailDomain('gmail.com')).toBe(true);
    expect(isFreeMailDomain('gmailer.com')).toBe(false);
  });
  it('invalid → null', () => {
    expect(d('not a domain')).toBeNull();
    expect(d('')).toBeNull();
  });
  it('internationalized hosts become punycode', () => expect(d('https://www.müller.de/x')).toBe('xn--mller-kva.de'));
});

describe('normalizeEmail', () => {
  const e = (s: string | null) => normalizeEmail(s).normalized;
  it('lowercases and trims', () => expect(e('  Jane.Doe@ACME.com ')).toBe('jane.doe@acme.com'));
  it('folds dots and +tags for gmail only', () => {
    expect(e('Jane.Doe+crm@gmail.com')).toBe('janedoe@gmail.com');
    expect(e('jane.doe@googlemail.com')).toBe('janedoe@gmail.com');
    expect(e('jane.doe+crm@acme.com')).toBe('jane.doe+crm@acme.com');
  });
  it('accepts mailto: and display-name forms', () => {
    expect(e('mailto:Bob@Acme.com')).toBe('bob@acme.com');
    expect(e('Bob Smith <bob@acme.com>')).toBe('bob@acme.com');
  });
  it('invalid → null, original kept', () =>
    expect(normalizeEmail('bob at acme')).toEqual({ original: 'bob at acme', normalized: null }));
});

describe('normalizePhone', () => {
  it('uses the default region for national numbers', () => {
    expect(normalizePhone('(030) 123 4567', 'DE').normalized).toBe('+49301234567');
    expect(normalizePhone('(415) 555-2671', 'US').normalized).toBe('+14155552671');
  });
  it('ignores the region for international numbers, "+" or "00"', () => {
    expect(normalizePhone('+44 20 7946 0018', 'US').normalized).toBe('+442079460018');
    expect(normalizePhone('0044 20 7946 0018', 'US').normalized).toBe('+442079460018');
  });
  it('keeps extensions apart', () =>
    expect(normalizePhone('415-555-2671 ext. 204', 'US')).toMatchObject({
      normalized: '+14155552671',
      extension: '204',
    }));
  it('invalid → null', () => {
    expect(normalizePhone('12', 'US').normalized).toBeNull();
    expect(normalizePhone(null).normalized).toBeNull();
  });
});

describe('normalizePersonName', () => {
  it('folds case and diacritics, drops honorifics and suffixes', () => {
    expect(normalizePersonName('Dr. José  MÜLLER Jr.').normalized).toBe('jose muller');
  });
  it('reorders "Last, First"', () =>
    expect(normalizePersonName('Müller, Anna')).toMatchObject({
      normalized: 'anna muller',
      given: 'anna',
      family: 'muller',
    }));
  it('order-free key with German folding', () => {
    expect(normalizePersonName('Anna Müller').key).toBe(normalizePersonName('Mueller Anna').key);
  });
  it('optional nicknames', () => {
    expect(normalizePersonName('Bob Smith', { nicknames: true }).normalized).toBe('robert smith');
    expect(normalizePersonName('Bob Smith').normalized).toBe('bob smith');
    // A first name spelt like a JavaScript built-in is a name, not a lookup that finds a function.
    for (const first of ['Constructor', 'toString', 'valueOf', 'hasOwnProperty'])
      expect(normalizePersonName(`${first} Smith`, { nicknames: true }).normalized).toBe(
        `${first.toLowerCase()} smith`,
      );
  });
  it('joins first and last name fields', () => {
    expect(normalizePersonNameParts('Anna', null)).toMatchObject({ original: 'Anna', normalized: 'anna' });
    expect(normalizePersonNameParts(null, null).normalized).toBeNull();
  });
});
