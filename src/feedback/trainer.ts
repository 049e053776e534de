import { CloseloopError, ErrorCode } from '../core/errors.js';
import { siblingEntry, startThread } from '../lib/threads.js';
import {
  trainScoringModel,
  type Factor,
  type SerializedScoringModel,
  type TrainOptions,
} from '../inference/models/scoring-model.js';
import type { Table } from '../inference/models/table.js';

/** What a training hands back: plain data (it crosses a thread boundary). */
export interface TrainedModel {
  modelName: string;
  algorithm: string;
  model: SerializedScoringModel;
  training: SerializedScoringModel['training'];
  topFactors: Factor[];
}

export interface Trainer {
  train(table: Table, opts: TrainOptions): Promise<TrainedModel>;
  /** Trainings running now in this process. */
  running(): number;
}

/**
 * Deal-model training with a concurrency cap. `threads: true` (the service) trains in a worker thread, off the
 * event loop; `threads: false` trains inline (CLI, tests of the trainer itself). Waiting trainings queue in
 * order (src/lib/threads.ts starts the thread, from the source or the build).
 */
export function createTrainer(o: { concurrency: number; threads: boolean }): Trainer {
  let active = 0;
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    if (active >= Math.max(1, o.concurrency)) await new Promise<void>((r) => waiting.push(r));
    active++;
  };
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  return {
    running: () => active,
    async train(table, opts) {
      await acquire();
      try {
        if (!o.threads) {
          const m = trainScoringModel(table, opts);
          return {
            modelName: m.modelName,
            algorithm: m.algorithm,
            model: m.toJSON(),
            training: m.training,
            topFactors: m.globalFactors(table, 8),
          };
        }
        return await inThread(table, opts);
      } finally {
        release();
      }
    },
  };
}

function inThread(table: Table, opts: TrainOptions): Promise<TrainedModel> {
  const worker = startThread(siblingEntry(import.meta.url, 'train-thread'));
  return new Promise<TrainedModel>((resolve, reject) => {
    worker.once(
      'message',
      (m: { ok: true; result: TrainedModel } | { ok: false; error: { message: string; code: string | null } }) => {
        if (m.ok) resolve(m.result);
        else
          reject(
            m.error.code ? new CloseloopError(m.error.code as ErrorCode, m.error.message) : new Error(m.error.message),
          );
        void worker.terminate();
      },
    );
    worker.once('error', (e) => {
      reject(e);
      void worker.terminate();
    });
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`training thread exited with code ${code}`));
    });
    worker.postMessage({ table, opts });
  });
}
