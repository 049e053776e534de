/**
 * Worker-thread entry: trains one deal-scoring model off the main event loop (src/feedback/trainer.ts), so a
 * long training never stalls webhooks, job leases or CDC lease renewals in the process.
 */
import { parentPort } from 'node:worker_threads';
import { isCloseloopError } from '../core/errors.js';
import { trainScoringModel, type TrainOptions } from '../inference/models/scoring-model.js';
import type { Table } from '../inference/models/table.js';

parentPort!.once('message', (msg: { table: Table; opts: TrainOptions }) => {
  try {
    const model = trainScoringModel(msg.table, msg.opts);
    parentPort!.postMessage({
      ok: true,
      result: {
        modelName: model.modelName,
        algorithm: model.algorithm,
        model: model.toJSON(),
        training: model.training,
        topFactors: model.globalFactors(msg.table, 8),
      },
    });
  } catch (e) {
    parentPort!.postMessage({
      ok: false,
      error: { message: (e as Error).message, code: isCloseloopError(e) ? e.code : null },
    });
  }
});
