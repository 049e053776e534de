import type { Express } from 'express';
import request from 'supertest';
import { openApiDocument, toOpenApiPath } from '../../../src/http/api-v1/openapi.js';
import { apiOperations, OPENAPI_PATH } from '../../../src/http/api-v1/operations.js';
import type { Store } from '../../../src/store/index.js';
import { cardTestApp, PUBLIC_URL } from './card-app.js';

/** Every [method, path] express mounted under /api/v1 (routers included). */
function mountedApiRoutes(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const m of Object.keys(layer.route.methods))
          if (m !== '_all' && String(layer.route.path).startsWith('/api/v1/')) out.push(`${m} ${layer.route.path}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as any).router.stack);
  return out;
}

/** Every `$ref` in the document, with where it points. */
function refs(node: unknown, acc: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refs(n, acc));
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref') acc.push(String(v));
      else refs(v, acc);
    }
  return acc;
}

describe('OpenAPI 3.1 document at /api/v1/openapi.json', () => {
  // Route walking and the document need no database.
  const app = cardTestApp({} as Store, () => Date.now());
  const doc = openApiDocument(PUBLIC_URL) as any;

  test('documents exactly the routes mounted under /api/v1, and is served as generated', async () => {
    const mounted = new Set(
      mountedApiRoutes(app).map((r) => {
        const [m, p] = r.split(' ');
        return `${m} ${toOpenApiPath(p!)}`;
      }),
    );
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops as object).map((m) => `${m} ${p}`)),
    );
    expect([...documented].sort()).toEqual([...mounted].sort());
    expect(mounted.has(`get ${OPENAPI_PATH}`)).toBe(true);
    const served = await request(app).get(OPENAPI_PATH).expect(200);
    expect(served.body).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  test('is a well-formed 3.1 document: unique operation ids, resolvable $refs, security schemes that exist, path parameters declared', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
    const ops = Object.entries(doc.paths).flatMap(([p, o]) =>
      Object.entries(o as Record<string, any>).map(([m, op]) => ({ p, m, op })),
    );
    const ids = ops.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of refs(doc)) {
      expect(r).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[r.slice('#/components/schemas/'.length)]).toBeDefined();
    }
    for (const { p, op } of ops) {
      for (const s of op.security)
        for (const name of Object.keys(s)) expect(doc.components.securitySchemes[name]).toBeDefined();
      const declared = (op.parameters ?? [])
        .filter((x: any) => x.in === 'path')
        .map((x: any) => x.name)
        .sort();
      expect([p, declared]).toEqual([p, [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()]);
      expect(op.responses['200']).toBeDefined();
    }
  });

  test("schemas come from the handlers' zod schemas (enums, required fields, the feedback actions)", () => {
    const list = doc.paths['/api/v1/cards/hubspot/suggestions'].get;
    const objectType = list.parameters.find((x: any) => x.name === 'objectType');
    expect(objectType).toMatchObject({ in: 'query', required: true });
    expect(objectType.schema.enum).toEqual(expect.arrayContaining(['deal', 'company', 'contact', '0-3']));
    expect(list.parameters.find((x: any) => x.name === 'userEmail').required).toBe(false);
    const feedback = doc.paths['/api/v1/cards/salesforce/suggestions/{id}/feedback'].post;
    const body = feedback.requestBody.content['application/json'].schema;
    expect(body.$ref).toBe('#/components/schemas/CardFeedbackRequest');
    expect(doc.components.schemas.CardFeedbackRequest.properties.action.enum).toEqual(['useful', 'not_useful', 'done']);
    const response = list.responses['200'].content['application/json'].schema;
    expect(response.$ref).toBe('#/components/schemas/CardSuggestionsResponse');
    expect(doc.components.schemas.CardSuggestion.required).toEqual(
      expect.arrayContaining(['id', 'evidence', 'explanation', 'feedback']),
    );
    expect(apiOperations().length).toBe(
      Object.values(doc.paths).reduce((n: number, o: any) => n + Object.keys(o).length, 0) - 1,
    );
  });
});
