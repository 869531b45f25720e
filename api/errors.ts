/** HTTP errors and the one error handler: every failure answers JSON with a code, a message and, for bad input, the field. */
import type { ErrorRequestHandler } from 'express';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ZodError } from 'zod';
import type { Logger } from 'pino';

export interface FieldError {
  field: string;
  reason: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
export const invalidField = (field: string, reason: string) =>
  new HttpError(422, 'validation_failed', `${field}: ${reason}`, [{ field, reason }]);

export function fromZod(err: ZodError, where: 'body' | 'query' | 'params' = 'body'): HttpError {
  const errors = err.issues.map((i) => ({ field: i.path.join('.') || where, reason: i.message }));
  return new HttpError(400, 'invalid_request', errors.map((e) => `${e.field}: ${e.reason}`).join('; '), errors);
}

/** Map a rejected workflow update (its validator threw) to 409 / 422. */
export function fromUpdateFailure(err: WorkflowUpdateFailedError): HttpError {
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) {
    if (cause.type === 'ValidationError') {
      const d = (cause.details?.[0] ?? {}) as Partial<FieldError>;
      return new HttpError(422, 'validation_failed', cause.message, d.field ? [{ field: d.field, reason: d.reason ?? cause.message }] : []);
    }
    if (cause.type === 'WrongState') return new HttpError(409, 'wrong_state', cause.message);
    if (cause.type === 'Forbidden') return new HttpError(403, 'forbidden', cause.message);
    return new HttpError(422, 'rejected', cause.message);
  }
  return new HttpError(422, 'rejected', cause?.message ?? err.message);
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let e: HttpError;
    if (err instanceof HttpError) e = err;
    else if (err instanceof ZodError) e = fromZod(err);
    else if (err instanceof WorkflowUpdateFailedError) e = fromUpdateFailure(err);
    else if (err instanceof WorkflowNotFoundError) e = new HttpError(404, 'not_found', 'The case workflow was not found');
    else if (err?.type === 'entity.parse.failed') e = new HttpError(400, 'invalid_json', 'The request body is not valid JSON');
    else if (err?.type === 'entity.too.large') e = new HttpError(413, 'too_large', 'The request body is too large');
    else {
      log.error({ err, path: req.path }, 'unhandled error');
      e = new HttpError(500, 'internal_error', 'Internal error');
    }
    res.status(e.status).json({ error: { code: e.code, message: e.message, errors: e.errors } });
  };
}
