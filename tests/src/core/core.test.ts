import { CanonicalRecord } from '../../../src/core/canonical.js';
import * as errors from '../../../src/core/errors.js';
import { isSealed, sealWrite } from '../../../src/core/gated-write.js';

const { CloseloopError, ErrorCode, isCloseloopError } = errors;

describe('error catalog', () => {
  it('codes are their own names (stable strings for logs, metrics and switches)', () => {
    for (const [k, v] of Object.entries(ErrorCode)) expect(v).toBe(k);
  });

  it('every error class carries a catalog code, its details and an HTTP status where one is meant', () => {
    type AnyErrorClass = { name: string; new (...a: any[]): InstanceType<typeof CloseloopError> };
    const classes = (Object.values(errors) as unknown[]).filter(
      (v) => typeof v === 'function' && (v as AnyErrorClass).prototype instanceof CloseloopError,
    ) as AnyErrorClass[];
    expect(classes.length).toBeGreaterThan(10);
    const codes = new Set<string>(Object.values(ErrorCode));
    for (const C of classes) {
      const special: Record<string, unknown[]> = {
        RuleFileError: [[{ file: 'a.json', line: 1, column: 2, message: 'bad' }]],
        ModelOutputError: ['MODEL_REFUSED', 'no'],
        ConfigError: [['PORT must be a number']],
        MigrationsPendingError: [['0250_schedule_ticks.sql']],
        WebhookSignatureError: ['bad v3 signature'],
      };
      const e = new C(...(special[C.name] ?? ['boom', { provider: 'hubspot', retryAt: 5 }]));
      expect(isCloseloopError(e)).toBe(true);
      expect(codes.has(e.code)).toBe(true);
      expect(e.name).toBe(C.name);
      if (e.status !== undefined) expect(e.status).toBeGreaterThanOrEqual(400);
    }
    const u = new errors.UnknownAccountError('no such portal', { provider: 'hubspot' });
    expect(u).toMatchObject({ code: 'UNKNOWN_ACCOUNT', status: 404, provider: 'hubspot', message: 'no such portal' });
    expect(new errors.RuleFileError([{ file: 'a.json', line: 3, column: 7, message: 'unknown fact' }]).message).toBe(
      'a.json:3:7: unknown fact',
    );
    const cause = new Error('socket hang up');
    expect(new CloseloopError(ErrorCode.PROVIDER_UNAVAILABLE, 'x', { cause }).cause).toBe(cause);
    expect(isCloseloopError(new Error('plain'))).toBe(false);
  });
});

describe('sealed writes (only what the output gate saw reaches the outbox)', () => {
  it('the sealed object is sealed; a copy, a JSON round trip or a spread is not', () => {
    const w = sealWrite({ action: 'create_task', payload: { subject: 'Call Ada', nested: { a: 1 } } });
    expect(isSealed(w)).toBe(true);
    expect(isSealed({ ...w })).toBe(false);
    expect(isSealed(JSON.parse(JSON.stringify(w)))).toBe(false);
    expect(isSealed(structuredClone(w))).toBe(false);
    expect(isSealed(null)).toBe(false);
  });

  it("the sealed payload cannot be edited afterwards, and sealing copied the caller's object", () => {
    const payload = { subject: 'Call Ada', nested: { a: 1 } };
    const w = sealWrite({ action: 'create_task', payload });
    expect(() => {
      (w.payload as any).subject = 'Wire money';
    }).toThrow(TypeError);
    expect(() => {
      (w.payload as any).nested.a = 2;
    }).toThrow(TypeError);
    payload.subject = 'changed by the caller';
    expect(w.payload.subject).toBe('Call Ada');
  });
});

describe('canonical model', () => {
  const deal = {
    kind: 'deal',
    provider: 'hubspot',
    externalId: '1',
    createdAt: null,
    updatedAt: '2026-03-01T00:00:00Z',
    archived: false,
    ownerId: null,
    associations: { contacts: [], companies: [], deals: [] },
    url: null,
    name: 'Acme',
    amount: 10,
    currency: 'EUR',
    stage: 'proposal',
    providerStage: 'presentationscheduled',
    closeDate: null,
    isClosed: false,
    isWon: false,
  };
  it('accepts a complete record and refuses missing fields, unknown stages and local times', () => {
    expect(CanonicalRecord.parse(deal)).toEqual(deal);
    expect(CanonicalRecord.safeParse({ ...deal, name: undefined }).success).toBe(false);
    expect(CanonicalRecord.safeParse({ ...deal, stage: 'almost_won' }).success).toBe(false);
    expect(CanonicalRecord.safeParse({ ...deal, updatedAt: '2026-03-01 10:00' }).success).toBe(false);
    expect(CanonicalRecord.safeParse({ ...deal, kind: 'lead' }).success).toBe(false);
  });
});
