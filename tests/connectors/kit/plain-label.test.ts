import { plainLabel } from '../../../connectors/kit/plain-label.js';

describe('plainLabel: a CRM name as the plain text closeloop writes', () => {
  it.each([
    ['<img src=x onerror=alert(1)>Bob', 'Bob'],
    ['**Smith** 🚀', 'Smith 🚀'],
    ['[Acme](https://evil.example)', 'Acme'],
    ['\u202eevil\u200b name', 'evil name'],
    ['_init_ Ltd', 'init Ltd'],
    ['<script>alert(1)</script>Acme', 'alert(1) Acme'],
    ['<x onclick="go()">Acme</x>', 'Acme'],
    ['<svg/onload=alert(1)>Acme', 'Acme'],
    ['Acme <!-- note --> GmbH', 'Acme GmbH'],
    ['<B>Acme</B>', 'Acme'],
  ])('%j → %j', (raw, plain) => expect(plainLabel(raw)).toBe(plain));

  it.each([
    'ACME_Corp',
    'O’Brien',
    'Jean-Luc',
    'C++ Solutions',
    'A*B*C Corp',
    'Globex – 2027 renewal – 250 seats (PO 45821)',
    'x < y deal',
    'R&D tools <EU> "Phase 2" 🚀',
    'Acme <renewal> 2027',
    'Globex <> Initech merger',
  ])('keeps %j as written', (name) => expect(plainLabel(name)).toBe(name));

  it('nothing readable left is null', () => {
    for (const v of ['<b></b>', '  ', '**', null, undefined]) expect(plainLabel(v)).toBeNull();
  });
});
