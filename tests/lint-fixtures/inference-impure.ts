// lint-as: src/inference/lint-fixture.ts
// expect: src/inference is pure (records in, suggestions out): no store, http, queue, jobs or sync; an LLM client is passed in (imports src/store/index.ts)
// expect: src/inference is pure (records in, suggestions out): no store, http, queue, jobs or sync; an LLM client is passed in (imports src/queue/index.ts)
// expect: src/inference is pure (records in, suggestions out): no store, http, queue, jobs or sync; an LLM client is passed in (imports src/http/app.ts)
// expect: nothing imports src/http
// expect: src/inference is pure (records in, suggestions out): no store, http, queue, jobs or sync; an LLM client is passed in (imports src/store/pgvector-store.ts)
// expect: src/inference is pure (records in, suggestions out): no store, http, queue, jobs or sync; an LLM client is passed in (imports tests/fakes/openai/server.ts)
import type { Store } from '../store/index.js';
import { createQueue } from '../queue/index.js';
import { createApp } from '../http/app.js';
import { PgVectorStore } from '../store/pgvector-store.js';
import { startFakeOpenAI } from '../../tests/fakes/openai/server.js';

export type S = Store;
export const all = [createQueue, createApp, PgVectorStore, startFakeOpenAI];
