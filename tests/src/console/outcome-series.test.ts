import {
  acceptanceOverTime,
  lastWeeks,
  modelQuality,
  weekOf,
  weeklyCounts,
} from '../../../src/console/outcome-series.js';
import type { ModelHistoryRow, ReportRow } from '../../../src/store/index.js';

const row = (o: Omit<Partial<ReportRow>, 'created_at'> & { created_at: string }): ReportRow => ({
  id: Math.random().toString(36).slice(2),
  type: 'stale_deal_follow_up',
  owner_id: 'rep-1',
  status: 'written',
  verdicts: [],
  repair: null,
  outcomes: [],
  edit_distances: [],
  ...o,
  created_at: new Date(o.created_at),
});

describe('weeks (Monday, UTC)', () => {
  test('weekOf gives the Monday of the week; Sunday belongs to the week before', () => {
    expect(weekOf('2026-03-09T00:00:00Z')).toBe('2026-03-09');
    expect(weekOf('2026-03-15T23:59:59Z')).toBe('2026-03-09');
    expect(weekOf('2026-03-16T00:00:00Z')).toBe('2026-03-16');
  });
  test('lastWeeks ends with the current week, oldest first', () => {
    expect(lastWeeks(Date.parse('2026-03-11T10:00:00Z'), 3)).toEqual(['2026-02-23', '2026-03-02', '2026-03-09']);
  });
});

describe('acceptanceOverTime', () => {
  const weeks = ['2026-03-02', '2026-03-09'];
  const rows = [
    row({ created_at: '2026-03-03T10:00:00Z', outcomes: ['task_completed'] }),
    row({ created_at: '2026-03-04T10:00:00Z', outcomes: ['task_deleted'] }),
    row({ created_at: '2026-03-10T10:00:00Z', outcomes: ['task_completed'], owner_id: 'rep-2' }),
    row({ created_at: '2026-03-10T10:00:00Z', type: 'budget_risk', outcomes: [] }),
    row({ created_at: '2026-01-01T10:00:00Z', outcomes: ['task_deleted'] }),
  ];
  test('per kind: acted on / decided in the week the suggestion was made; null where nothing was decided', () => {
    const { series, decided } = acceptanceOverTime(rows, weeks, 'type');
    expect(series).toEqual([
      { name: 'stale_deal_follow_up', values: [0.5, 1] },
      { name: 'budget_risk', values: [null, null] },
    ]);
    expect(decided.stale_deal_follow_up).toEqual([2, 1]);
  });
  test('per rep, the busiest first, limited to `top`', () => {
    const { series } = acceptanceOverTime(rows, weeks, 'rep', 1);
    expect(series).toEqual([{ name: 'rep-1', values: [0.5, null] }]);
  });
});

describe('weeklyCounts', () => {
  test('sums daily counts into their week, zero where none, days outside the window left out', () => {
    const byDay = {
      '2026-03-03': { task_completed: 2 },
      '2026-03-08': { task_completed: 1, task_deleted: 4 },
      '2026-03-10': { task_overdue: 1 },
      '2025-01-01': { task_completed: 9 },
    };
    expect(
      weeklyCounts(byDay, ['2026-03-02', '2026-03-09'], ['task_completed', 'task_deleted', 'task_overdue']),
    ).toEqual([
      { name: 'task_completed', values: [3, 0] },
      { name: 'task_deleted', values: [4, 0] },
      { name: 'task_overdue', values: [0, 1] },
    ]);
  });
});

describe('modelQuality', () => {
  const h = (o: Partial<ModelHistoryRow>): ModelHistoryRow => ({
    tenant_id: 't',
    kind: 'deal_score',
    model_name: 'gbdt-v1',
    rows: 100,
    positives: 40,
    validation_auc: 0.7,
    metrics: {},
    trained_at: new Date('2026-03-01T00:00:00Z'),
    ...o,
  });
  test('per kind, oldest first, AUC and calibration from the stored metrics; an attempt without a model keeps its reason', () => {
    const q = modelQuality([
      h({
        trained_at: new Date('2026-03-08T00:00:00Z'),
        validation_auc: 0.8,
        metrics: { calibration: { rows: 50, ece: 0.03, brier: 0.18, bins: [] } },
      }),
      h({ model_name: null, validation_auc: null, metrics: { reason: 'needs 20 won and 20 lost deals' } }),
      h({ kind: 'usefulness', validation_auc: null }),
    ]);
    expect(q.deal_score!.map((p) => [p.modelName, p.auc, p.ece, p.brier, p.calibrationRows, p.note])).toEqual([
      [null, null, null, null, null, 'needs 20 won and 20 lost deals'],
      ['gbdt-v1', 0.8, 0.03, 0.18, 50, null],
    ]);
    expect(q.usefulness).toHaveLength(1);
  });
});
