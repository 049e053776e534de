import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

/**
 * A local Pinecone: the 2026-04 data-plane contract (https://docs.pinecone.io/reference/api/2025-04/data-plane) and
 * the control-plane `GET /indexes/{name}` (db_control), on one port, in memory, good enough for the real
 * `@pinecone-database/pinecone` client to run unmodified.
 *
 * Faithful where our adapter could go wrong: Api-Key and X-Pinecone-Api-Version required; upsert refuses
 * more than 1,000 vectors, more than 2 MB of body, metadata over 40 KB or with nulls, wrong dimensions;
 * delete takes exactly one of ids (<= 1,000) / deleteAll / filter; errors are rpcStatus `{code, message, details}`
 * (401 is text/plain); `host` in describe_index carries `http://`. Can be told to answer 429 (or 5xx).
 * Every request is logged in `requests` for assertions. Its filter evaluator is written independently of
 * src/ on purpose, so adapter tests check our filters against a second implementation.
 *
 * Standalone: npx tsx tests/fakes/pinecone/server.ts --port 5081 --index crm-idx --dimension 384 [--api-key k]
 */

type MdValue = string | number | boolean | string[];
type Md = Record<string, MdValue>;
interface Rec {
  id: string;
  values: Float32Array;
  norm: number;
  metadata?: Md;
}
export interface LoggedRequest {
  method: string;
  path: string;
  bytes: number;
  status: number;
  namespace?: string;
  vectors?: number;
  apiVersion?: string;
}
export interface FakePineconeOptions {
  port?: number;
  apiKey?: string;
  indexName?: string;
  dimension?: number;
  metric?: 'cosine' | 'dotproduct' | 'euclidean';
  /** Upsert body limit. Default 2,000,000 bytes (the conservative reading of "2 MB"). */
  maxRequestBytes?: number;
  /** Real serverless answers 404 to deletes in a namespace that does not exist. Default true. */
  notFoundOnMissingNamespaceDelete?: boolean;
}
export interface Injection {
  status?: number;
  count: number;
  ops?: string[];
  retryAfterSeconds?: number;
}

export interface FakePinecone {
  readonly url: string;
  readonly indexName: string;
  readonly dimension: number;
  readonly requests: LoggedRequest[];
  /** Answer the next `count` matching requests with `status` (default 429) and Pinecone's error body. */
  inject(i: Injection): void;
  namespaceSize(ns: string): number;
  namespaceNames(): string[];
  reset(): void;
  close(): Promise<void>;
}

const MAX_VECTORS = 1000;
const MAX_METADATA = 40960;
const MAX_IDS = 1000;
const MAX_TOPK = 10000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}
const GRPC: Record<number, number> = { 400: 3, 404: 5, 409: 6, 412: 9, 429: 8, 500: 13, 503: 14 };
const rpc = (status: number, message: string) =>
  new HttpError(status, { code: GRPC[status] ?? 2, message, details: [] });

export async function startFakePinecone(o: FakePineconeOptions = {}): Promise<FakePinecone> {
  const indexName = o.indexName ?? 'crm-idx';
  const dimension = o.dimension ?? 384;
  const metric = o.metric ?? 'cosine';
  const maxBytes = o.maxRequestBytes ?? 2_000_000;
  const strictNs = o.notFoundOnMissingNamespaceDelete ?? true;
  const spaces = new Map<string, Map<string, Rec>>();
  const requests: LoggedRequest[] = [];
  let injections: Injection[] = [];
  let url = '';

  const nsName = (ns: unknown) => (typeof ns === 'string' ? ns : '');
  const indexModel = () => ({
    name: indexName,
    dimension,
    metric,
    host: url,
    vector_type: 'dense',
    deletion_protection: 'disabled',
    tags: null,
    spec: { serverless: { cloud: 'aws', region: 'us-east-1' } },
    status: { ready: true, state: 'Ready' },
  });

  function takeInjection(op: string): Injection | undefined {
    const i = injections.find((x) => x.count > 0 && (!x.ops || x.ops.includes(op)));
    if (!i) return undefined;
    i.count--;
    injections = injections.filter((x) => x.count > 0);
    return i;
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= maxBytes + 1) chunks.push(c);
    });
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const entry: LoggedRequest = {
        method: req.method ?? 'GET',
        path: u.pathname,
        bytes: size,
        status: 200,
        apiVersion: req.headers['x-pinecone-api-version'] as string | undefined,
      };
      requests.push(entry);
      let status = 200;
      let body: unknown;
      let headers: Record<string, string> = {};
      try {
        body = handle(req, u, size, Buffer.concat(chunks), entry);
      } catch (e) {
        if (!(e instanceof HttpError)) {
          status = 500;
          body = { code: 13, message: String((e as Error)?.message ?? e), details: [] };
        } else {
          status = e.status;
          body = e.body;
          headers = e.headers;
        }
      }
      entry.status = status;
      if (typeof body === 'string') res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(body);
      else res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    });
  });

  function handle(req: http.IncomingMessage, u: URL, size: number, raw: Buffer, entry: LoggedRequest): unknown {
    const key = req.headers['api-key'];
    if (!key || (o.apiKey !== undefined && key !== o.apiKey)) throw new HttpError(401, 'Invalid API Key');
    const version = req.headers['x-pinecone-api-version'];
    if (typeof version !== 'string' || !/^\d{4}-\d{2}$/.test(version))
      throw rpc(400, 'Missing or invalid X-Pinecone-Api-Version header');
    const method = req.method ?? 'GET';
    const p = u.pathname;
    const op = opName(method, p);
    const inj = takeInjection(op);
    if (inj) {
      const st = inj.status ?? 429;
      const msg =
        st === 429
          ? `Request failed. You have exceeded the limit of 100 requests per second for ${op} on namespace.`
          : 'Service temporarily unavailable';
      throw new HttpError(
        st,
        { code: GRPC[st] ?? 2, message: msg, details: [] },
        inj.retryAfterSeconds !== undefined ? { 'retry-after': String(inj.retryAfterSeconds) } : {},
      );
    }
    if (size > maxBytes)
      throw rpc(400, `Request size ${Math.ceil(size / 1e6)}MB exceeds the maximum supported size of 2MB`);
    const json = (): Record<string, any> => {
      if (raw.length === 0) return {};
      try {
        const v = JSON.parse(raw.toString('utf8'));
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
        return v;
      } catch {
        throw rpc(400, 'Invalid JSON body');
      }
    };

    // control plane
    if (method === 'GET' && p === '/indexes') return { indexes: [indexModel()] };
    const im = /^\/indexes\/([^/]+)$/.exec(p);
    if (method === 'GET' && im) {
      if (decodeURIComponent(im[1]!) !== indexName)
        throw new HttpError(404, { error: { code: 'NOT_FOUND', message: `Resource ${im[1]} not found` }, status: 404 });
      return indexModel();
    }

    // data plane
    switch (`${method} ${p}`) {
      case 'POST /vectors/upsert': {
        const b = json();
        const ns = nsName(b.namespace);
        entry.namespace = ns;
        if (!Array.isArray(b.vectors) || b.vectors.length === 0)
          throw rpc(400, 'Upsert request must contain at least one vector');
        entry.vectors = b.vectors.length;
        if (b.vectors.length > MAX_VECTORS)
          throw rpc(
            400,
            `Vector count ${b.vectors.length} exceeds the maximum of ${MAX_VECTORS} vectors per upsert request`,
          );
        const recs = b.vectors.map((v: any) => toRec(v));
        const space = spaces.get(ns) ?? new Map<string, Rec>();
        spaces.set(ns, space);
        for (const r of recs) space.set(r.id, r);
        return { upsertedCount: recs.length };
      }
      case 'POST /query': {
        const b = json();
        const ns = nsName(b.namespace);
        entry.namespace = ns;
        const topK = b.topK;
        if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOPK)
          throw rpc(400, `topK must be an integer between 1 and ${MAX_TOPK}`);
        if (b.filter !== undefined) checkFilter(b.filter);
        const space = spaces.get(ns) ?? new Map<string, Rec>();
        let q: Float32Array;
        if (Array.isArray(b.vector)) {
          if (b.vector.length !== dimension)
            throw rpc(
              400,
              `Query vector dimension ${b.vector.length} does not match the dimension of the index ${dimension}`,
            );
          q = Float32Array.from(b.vector);
        } else if (typeof b.id === 'string') {
          const r = space.get(b.id);
          if (!r) return { results: [], matches: [], namespace: ns, usage: { readUnits: 1 } };
          q = r.values;
        } else throw rpc(400, 'Query must have one of vector or id');
        const qn = norm(q);
        const best: { r: Rec; s: number }[] = [];
        const better = (a: number, b2: number) => (metric === 'euclidean' ? a < b2 : a > b2);
        for (const r of space.values()) {
          if (b.filter && !evalFilter(r.metadata ?? {}, b.filter)) continue;
          const s = score(q, qn, r);
          if (best.length < topK) {
            best.push({ r, s });
            if (best.length === topK) best.sort((x, y) => (better(x.s, y.s) ? -1 : 1));
            continue;
          }
          if (!better(s, best[best.length - 1]!.s)) continue;
          let i = best.length - 1;
          while (i > 0 && better(s, best[i - 1]!.s)) i--;
          best.splice(i, 0, { r, s });
          best.pop();
        }
        best.sort((x, y) => (better(x.s, y.s) ? -1 : better(y.s, x.s) ? 1 : 0));
        return {
          results: [],
          matches: best.map(({ r, s }) => ({
            id: r.id,
            score: s,
            values: b.includeValues ? Array.from(r.values) : [],
            ...(b.includeMetadata && r.metadata ? { metadata: r.metadata } : {}),
          })),
          namespace: ns,
          usage: { readUnits: Math.max(1, Math.ceil(space.size / 10000)) },
        };
      }
      case 'GET /vectors/fetch': {
        const ns = nsName(u.searchParams.get('namespace') ?? '');
        entry.namespace = ns;
        const ids = u.searchParams.getAll('ids');
        if (ids.length === 0) throw rpc(400, 'ids must contain at least one id');
        if (ids.length > MAX_IDS) throw rpc(400, `Cannot fetch more than ${MAX_IDS} ids`);
        const space = spaces.get(ns);
        const vectors: Record<string, unknown> = {};
        for (const id of ids) {
          const r = space?.get(id);
          if (r) vectors[id] = { id, values: Array.from(r.values), ...(r.metadata ? { metadata: r.metadata } : {}) };
        }
        return { vectors, namespace: ns, usage: { readUnits: 1 } };
      }
      case 'POST /vectors/delete': {
        const b = json();
        const ns = nsName(b.namespace);
        entry.namespace = ns;
        const modes = [b.ids !== undefined, b.deleteAll === true, b.filter !== undefined].filter(Boolean).length;
        if (modes !== 1) throw rpc(400, 'Exactly one of ids, deleteAll or filter must be specified');
        const space = spaces.get(ns);
        if (!space && strictNs) throw rpc(404, 'Namespace not found');
        if (b.ids !== undefined) {
          if (!Array.isArray(b.ids) || b.ids.length === 0 || b.ids.some((x: unknown) => typeof x !== 'string'))
            throw rpc(400, 'ids must be a non-empty array of strings');
          if (b.ids.length > MAX_IDS) throw rpc(400, `Cannot delete more than ${MAX_IDS} ids in one request`);
          entry.vectors = b.ids.length;
          for (const id of b.ids) space?.delete(id);
        } else if (b.deleteAll === true) {
          spaces.delete(ns);
        } else {
          checkFilter(b.filter);
          for (const [id, r] of space ?? []) if (evalFilter(r.metadata ?? {}, b.filter)) space!.delete(id);
        }
        return {};
      }
      case 'POST /vectors/update': {
        const b = json();
        const ns = nsName(b.namespace);
        entry.namespace = ns;
        const r = typeof b.id === 'string' ? spaces.get(ns)?.get(b.id) : undefined;
        if (!r) throw rpc(404, `Vector ${b.id} not found`);
        if (b.values) {
          const n = toRec({ id: r.id, values: b.values });
          r.values = n.values;
          r.norm = n.norm;
        }
        if (b.setMetadata) {
          const md = { ...(r.metadata ?? {}), ...b.setMetadata };
          checkMetadata(md);
          r.metadata = md;
        }
        return {};
      }
      case 'GET /vectors/list': {
        const ns = nsName(u.searchParams.get('namespace') ?? '');
        entry.namespace = ns;
        const prefix = u.searchParams.get('prefix') ?? '';
        const limit = Number(u.searchParams.get('limit') ?? 100);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw rpc(400, 'limit must be between 1 and 100');
        const after = u.searchParams.get('paginationToken')
          ? Buffer.from(u.searchParams.get('paginationToken')!, 'base64url').toString('utf8')
          : '';
        const ids = [...(spaces.get(ns)?.keys() ?? [])]
          .filter((id) => id.startsWith(prefix) && id > after)
          .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const page = ids.slice(0, limit);
        return {
          vectors: page.map((id) => ({ id })),
          ...(ids.length > limit
            ? { pagination: { next: Buffer.from(page[page.length - 1]!, 'utf8').toString('base64url') } }
            : {}),
          namespace: ns,
          usage: { readUnits: 1 },
        };
      }
      case 'POST /describe_index_stats': {
        json();
        const namespaces: Record<string, { vectorCount: number }> = {};
        let total = 0;
        for (const [ns, s] of spaces) {
          namespaces[ns] = { vectorCount: s.size };
          total += s.size;
        }
        return { namespaces, dimension, indexFullness: 0, totalVectorCount: total, metric, vectorType: 'dense' };
      }
      case 'GET /namespaces': {
        const prefix = u.searchParams.get('prefix') ?? '';
        const list = [...spaces.keys()].filter((n) => n.startsWith(prefix)).sort();
        return {
          namespaces: list.map((n) => ({ name: n || '__default__', record_count: spaces.get(n)!.size })),
          total_count: list.length,
        };
      }
    }
    const nm = /^\/namespaces\/([^/]+)$/.exec(p);
    if (nm) {
      const raw2 = decodeURIComponent(nm[1]!);
      const ns = raw2 === '__default__' ? '' : raw2;
      entry.namespace = ns;
      const s = spaces.get(ns);
      if (!s) throw rpc(404, 'Namespace not found');
      if (method === 'GET') return { name: raw2, record_count: s.size };
      if (method === 'DELETE') {
        spaces.delete(ns);
        return {};
      }
    }
    throw rpc(404, `No route for ${method} ${p}`);
  }

  function toRec(v: any): Rec {
    if (typeof v !== 'object' || v === null || typeof v.id !== 'string' || v.id.length === 0 || v.id.length > 512)
      throw rpc(400, 'Every vector needs an id of 1..512 characters');
    if (!Array.isArray(v.values) || v.values.some((x: unknown) => typeof x !== 'number' || !Number.isFinite(x)))
      throw rpc(400, `Vector ${v.id}: values must be an array of finite numbers`);
    if (v.values.length !== dimension)
      throw rpc(400, `Vector dimension ${v.values.length} does not match the dimension of the index ${dimension}`);
    const values = Float32Array.from(v.values as number[]);
    if (v.metadata !== undefined) checkMetadata(v.metadata);
    return {
      id: v.id,
      values,
      norm: norm(values),
      ...(v.metadata !== undefined ? { metadata: v.metadata as Md } : {}),
    };
  }

  function checkMetadata(md: unknown): void {
    if (typeof md !== 'object' || md === null || Array.isArray(md)) throw rpc(400, 'Metadata must be an object');
    for (const [k, val] of Object.entries(md)) {
      const ok =
        typeof val === 'string' ||
        typeof val === 'boolean' ||
        (typeof val === 'number' && Number.isFinite(val)) ||
        (Array.isArray(val) && val.every((x) => typeof x === 'string'));
      if (!ok)
        throw rpc(
          400,
          `Metadata value must be a string, number, boolean or list of strings, got '${JSON.stringify(val)}' for field '${k}'`,
        );
    }
    const bytes = Buffer.byteLength(JSON.stringify(md), 'utf8');
    if (bytes > MAX_METADATA)
      throw rpc(400, `Metadata size is ${bytes} bytes, which exceeds the limit of ${MAX_METADATA} bytes per vector`);
  }

  function score(q: Float32Array, qn: number, r: Rec): number {
    let dot = 0;
    const v = r.values;
    if (metric === 'euclidean') {
      for (let i = 0; i < q.length; i++) {
        const d = q[i]! - v[i]!;
        dot += d * d;
      }
      return dot;
    }
    for (let i = 0; i < q.length; i++) dot += q[i]! * v[i]!;
    if (metric === 'dotproduct') return dot;
    return qn === 0 || r.norm === 0 ? 0 : dot / (qn * r.norm);
  }

  // Idle keep-alive sockets stay open longer than any test runs: a socket the server closes just as the client reuses
  // it is an ECONNRESET the client does not retry (seen on a loaded machine with large upserts).
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    indexName,
    dimension,
    requests,
    inject: (i) => {
      injections.push({ ...i });
    },
    namespaceSize: (ns) => spaces.get(ns)?.size ?? 0,
    namespaceNames: () => [...spaces.keys()],
    reset: () => {
      spaces.clear();
      requests.length = 0;
      injections = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function opName(method: string, p: string): string {
  if (p === '/vectors/upsert') return 'upsert';
  if (p === '/query') return 'query';
  if (p === '/vectors/delete') return 'delete';
  if (p === '/vectors/fetch') return 'fetch';
  if (p === '/vectors/update') return 'update';
  if (p === '/vectors/list') return 'list';
  if (p === '/describe_index_stats') return 'describe_index_stats';
  if (p.startsWith('/namespaces')) return 'namespaces';
  if (p.startsWith('/indexes')) return 'control';
  return `${method} ${p}`;
}

const norm = (v: Float32Array) => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
};

// ---- metadata filter (Pinecone semantics, independent of src/) ----
const FIELD_OPS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists']);
const scalar = (x: unknown) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';

function checkFilter(f: unknown): void {
  if (typeof f !== 'object' || f === null || Array.isArray(f)) throw rpc(400, 'Invalid filter: must be an object');
  for (const [k, v] of Object.entries(f)) {
    if (k === '$and' || k === '$or') {
      if (!Array.isArray(v) || v.length === 0) throw rpc(400, `Invalid filter: ${k} must be a non-empty array`);
      v.forEach(checkFilter);
    } else if (k.startsWith('$')) {
      throw rpc(400, `Invalid filter: unknown operator ${k}`);
    } else if (!scalar(v)) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw rpc(400, `Invalid filter for field ${k}`);
      for (const [op, arg] of Object.entries(v)) {
        if (!FIELD_OPS.has(op)) throw rpc(400, `Invalid filter: unknown operator ${op}`);
        if ((op === '$in' || op === '$nin') && !Array.isArray(arg))
          throw rpc(400, `Invalid filter: ${op} needs an array`);
        if (['$gt', '$gte', '$lt', '$lte'].includes(op) && typeof arg !== 'number')
          throw rpc(400, `Invalid filter: ${op} needs a number`);
      }
    }
  }
}

function evalFilter(md: Md, f: Record<string, any>): boolean {
  return Object.entries(f).every(([k, v]) => {
    if (k === '$and') return (v as any[]).every((s) => evalFilter(md, s));
    if (k === '$or') return (v as any[]).some((s) => evalFilter(md, s));
    const ops = scalar(v) ? { $eq: v } : (v as Record<string, any>);
    const val = md[k];
    const present = val !== undefined;
    const contains = (x: unknown) => (Array.isArray(val) ? val.includes(x as string) : val === x);
    return Object.entries(ops).every(([op, arg]) => {
      switch (op) {
        case '$eq':
          return present && contains(arg);
        case '$ne':
          return !present || !contains(arg);
        case '$in':
          return present && (arg as unknown[]).some(contains);
        case '$nin':
          return !present || !(arg as unknown[]).some(contains);
        case '$exists':
          return present === arg;
        case '$gt':
          return typeof val === 'number' && val > arg;
        case '$gte':
          return typeof val === 'number' && val >= arg;
        case '$lt':
          return typeof val === 'number' && val < arg;
        case '$lte':
          return typeof val === 'number' && val <= arg;
        default:
          return false;
      }
    });
  });
}

async function main(argv: string[]): Promise<void> {
  const arg = (k: string) => {
    const i = argv.indexOf(k);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const fake = await startFakePinecone({
    port: Number(arg('--port') ?? 5081),
    apiKey: arg('--api-key'),
    indexName: arg('--index') ?? 'crm-idx',
    dimension: Number(arg('--dimension') ?? 384),
  });
  console.log(`fake Pinecone index "${fake.indexName}" (dim ${fake.dimension}) listening on ${fake.url}`);
  console.log(`  control plane: new Pinecone({ apiKey, controllerHostUrl: '${fake.url}' })`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
