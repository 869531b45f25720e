/**
 * Route registry: each endpoint is declared once with its zod schemas; the declaration
 * both validates requests (400 with the field and the reason) and feeds the OpenAPI
 * 3.1 document (api/openapi.ts).
 */
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { HttpError, fromZod } from './errors';

export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

export interface RouteDoc<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path, e.g. /api/complaints/:caseNo */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  /**
   * A multipart/form-data body, for the OpenAPI document only (JSON Schema of its fields):
   * the handler reads it itself (file uploads).
   */
  multipart?: Record<string, unknown>;
  /** Roles allowed (checked before anything else: 401 signed out, 403 other roles). Absent: anyone signed in. */
  roles?: readonly string[];
  /** No sign-in needed (sign-in itself, health). */
  public?: boolean;
  responses: Record<number, ResponseDoc>;
}

export interface Parsed<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  req: Request;
  res: Response;
}

type Any = z.ZodType;
export type AnyRouteDoc = RouteDoc<Any, Any, Any>;

export class RouteRegistry {
  readonly routes: AnyRouteDoc[] = [];

  add<P extends Any = z.ZodUnknown, Q extends Any = z.ZodUnknown, B extends Any = z.ZodUnknown>(
    router: Router,
    doc: RouteDoc<P, Q, B>,
    handler: (input: Parsed<z.output<P>, z.output<Q>, z.output<B>>) => Promise<unknown> | unknown,
  ): void {
    this.routes.push(doc as unknown as AnyRouteDoc);
    const parse = <S extends Any>(schema: S | undefined, value: unknown, where: 'params' | 'query' | 'body') => {
      if (!schema) return value as z.output<S>;
      const r = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
      if (!r.success) throw fromZod(r.error, where);
      return r.data as z.output<S>;
    };
    const h: RequestHandler = async (req, res) => {
      if (doc.roles && req.auth && !doc.roles.includes(req.auth.role)) {
        throw new HttpError(403, 'forbidden', `${doc.summary}: needs the role ${doc.roles.join(' or ')} (you are ${req.auth.role})`);
      }
      if (doc.body && req.method !== 'GET' && !req.is('application/json')) {
        throw fromZod(new z.ZodError([{ code: 'custom', path: [], message: 'Content-Type must be application/json', input: undefined }]), 'body');
      }
      const out = await handler({
        params: parse(doc.params, req.params, 'params'),
        query: parse(doc.query, req.query, 'query'),
        body: parse(doc.body, req.body, 'body'),
        req,
        res,
      });
      if (out !== undefined && !res.headersSent) res.json(out);
    };
    router[doc.method](doc.path, h);
  }
}
