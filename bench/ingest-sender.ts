/**
 * The open-loop sender of the ingest benchmark in a process of its own (forked by bench/webhook-ingest.ts):
 * argv url, sign (1/0), requests, rate, startSeq; sends its sorted latencies (ms) back over IPC.
 */
import { paced } from './ingest-load.js';

const [url, sign, requests, rate, startSeq] = process.argv.slice(2);
const latencies = await paced(url!, sign === '1', Number(requests), Number(rate), Number(startSeq));
process.send!(latencies, () => process.exit(0));
