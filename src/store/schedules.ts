import type { Queryable } from './db.js';

export interface ScheduleTickRow {
  name: string;
  tick: Date;
  claimed_by: string;
  claimed_at: Date;
}

/**
 * One run per scheduled tick across every process: the first INSERT of (name, tick) wins. The tick comes from
 * the database clock rounded to the nearest minute (cron's resolution), so processes whose clocks differ by
 * less than 30 s name the same tick.
 */
export class ScheduleRepo {
  constructor(private readonly db: Queryable) {}

  /** True when this process won the tick of `name` now, and should run it. */
  async claim(name: string, owner: string): Promise<boolean> {
    const r = await this.db.query(
      `INSERT INTO schedule_ticks (name, tick, claimed_by) VALUES ($1, date_trunc('minute', now() + interval '30 seconds'), $2)
       ON CONFLICT (name, tick) DO NOTHING RETURNING name`,
      [name, owner],
    );
    return r.rows.length === 1;
  }

  async recent(name: string, limit = 50): Promise<ScheduleTickRow[]> {
    return (
      await this.db.query<ScheduleTickRow>('SELECT * FROM schedule_ticks WHERE name = $1 ORDER BY tick DESC LIMIT $2', [
        name,
        limit,
      ])
    ).rows;
  }

  /** Forget ticks older than `before` (the sweep). */
  async prune(before: Date): Promise<number> {
    return (await this.db.query('DELETE FROM schedule_ticks WHERE tick < $1', [before])).affectedRows;
  }
}
