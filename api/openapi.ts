/** OpenAPI 3.1 document generated from the route registry's zod schemas (JSON Schema 2020-12). */
import { z } from 'zod';
import type { AnyRouteDoc } from './registry';
import { errorResponse } from './schemas';

function schemaOf(s: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

function parameters(doc: AnyRouteDoc) {
  const out: Record<string, unknown>[] = [];
  for (const [where, schema] of [['path', doc.params], ['query', doc.query]] as const) {
    if (!schema) continue;
    const json = schemaOf(schema, 'input') as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    for (const [name, prop] of Object.entries(json.properties ?? {})) {
      out.push({
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        description: prop.description,
        schema: prop,
      });
    }
  }
  return out;
}

export function buildOpenApi(routes: AnyRouteDoc[], info: { title: string; version: string; serverUrl: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const responses: Record<string, unknown> = {};
    for (const [status, res] of Object.entries(r.responses)) {
      responses[status] = {
        description: res.description,
        ...(res.schema || res.contentType
          ? { content: { [res.contentType ?? 'application/json']: res.schema ? { schema: schemaOf(res.schema, 'output') } : {} } }
          : {}),
      };
    }
    if (r.params || r.query || r.body) {
      responses['400'] ??= { description: 'Invalid request: field and reason', content: { 'application/json': { schema: schemaOf(errorResponse, 'output') } } };
    }
    paths[path] ??= {};
    paths[path][r.method] = {
      summary: r.summary,
      description: r.description,
      tags: r.tags,
      'x-roles': r.roles ? [...r.roles] : undefined,
      operationId: `${r.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      parameters: parameters(r),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(r.body, 'input') } } } } : {}),
      ...(r.multipart ? { requestBody: { required: true, content: { 'multipart/form-data': { schema: r.multipart } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version },
    servers: [{ url: info.serverUrl }],
    paths,
  };
}
