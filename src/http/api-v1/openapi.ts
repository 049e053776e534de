import { z } from 'zod';
import { ApiError } from '../../core/api.js';
import { apiOperations, OPENAPI_PATH, type ApiOperation } from './operations.js';

type Json = Record<string, unknown>;

/** Express `:id` → OpenAPI `{id}`. */
export const toOpenApiPath = (p: string): string => p.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * zod → JSON Schema 2020-12 (OpenAPI 3.1's dialect). Schemas with a meta id become components; their `$defs`
 * references are rewritten to `#/components/schemas/...`.
 */
function schemaOf(s: z.ZodType, io: 'input' | 'output', components: Record<string, unknown>): Json {
  const js = z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  const text = JSON.stringify(js).replaceAll('"#/$defs/', '"#/components/schemas/');
  const out = JSON.parse(text) as Json;
  const defs = (out.$defs ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(defs)) components[k] ??= v;
  delete out.$defs;
  delete out.$schema;
  return out;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'bad input (the message names the field)',
  401: 'not authenticated (or a bad signature)',
  403: 'authenticated, not allowed',
  404: 'no such resource for this caller',
  409: 'conflict with the current state',
  415: 'the body is not application/json',
  429: 'rate limited',
};

function operationOf(op: ApiOperation, components: Record<string, unknown>): Json {
  const parameters: Json[] = [];
  const add = (where: 'query' | 'path', obj: z.ZodObject | undefined) => {
    if (!obj) return;
    for (const [name, prop] of Object.entries(obj.shape as Record<string, z.ZodType>)) {
      const schema = schemaOf(prop, 'input', components);
      const description = typeof schema.description === 'string' ? schema.description : undefined;
      parameters.push({
        name,
        in: where,
        required: where === 'path' || !prop.safeParse(undefined).success,
        schema,
        ...(description ? { description } : {}),
      });
    }
  };
  add('path', op.params);
  add('query', op.query);
  const responses: Json = {
    200: {
      description: 'OK',
      content: { 'application/json': { schema: schemaOf(op.response, 'output', components) } },
    },
  };
  for (const s of op.errors)
    responses[s] = {
      description: STATUS_TEXT[s] ?? 'error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  return {
    operationId: op.operationId,
    summary: op.summary,
    tags: op.tags,
    security:
      op.security === 'none'
        ? []
        : op.security === 'hubspotSignature'
          ? [{ hubspotSignature: [] }]
          : [{ bearerToken: [] }, { session: [] }],
    ...(parameters.length ? { parameters } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schemaOf(op.body, 'input', components) } },
          },
        }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of /api/v1, generated from the zod schemas the handlers parse with. */
export function openApiDocument(serverUrl: string, ops: readonly ApiOperation[] = apiOperations()): Json {
  const components: Record<string, unknown> = {};
  components.Error = schemaOf(ApiError, 'output', components);
  const paths: Record<string, Record<string, Json>> = {};
  for (const op of ops) (paths[toOpenApiPath(op.path)] ??= {})[op.method] = operationOf(op, components);
  (paths[OPENAPI_PATH] ??= {}).get = {
    operationId: 'openApiDocument',
    summary: 'This document',
    tags: ['meta'],
    security: [],
    responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'closeloop API',
      version: 'v1',
      description:
        'JSON API of closeloop: the admin console and the CRM cards (HubSpot app card, Salesforce component).',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'closeloop API token (clt_...), one tenant; or an operator token',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: '__Host-closeloop_session',
          description: 'browser session after signing in with the CRM; writes need X-CSRF-Token',
        },
        hubspotSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-HubSpot-Signature-v3',
          description:
            'HubSpot v3 signature (with X-HubSpot-Request-Timestamp) over method, full URL, raw body and timestamp',
        },
      },
    },
  };
}
