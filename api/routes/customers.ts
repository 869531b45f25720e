/**
 * /api/customers — the customers and contacts asked in the quarterly satisfaction
 * questionnaire (§6(4)). Everyone signed in reads them; administrators add and change them
 * (language, deactivation). Nothing is deleted: past rounds keep pointing at their contacts.
 * Customers found on cases are registered automatically when a round opens (source "cases").
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../prisma/client';
import { invalidField, notFound } from '../errors';
import type { RouteRegistry } from '../registry';
import { ADMIN_ROLES } from '../roles';
import { errorResponse } from '../schemas';

const email = z.string().trim().toLowerCase().email('must be an e-mail address').max(200);
export const contactBody = z
  .object({
    name: z.string().trim().min(1, 'is required').max(100),
    email,
    language: z.enum(['zh', 'en']).default('zh').describe('language of the questionnaire and its mails'),
  })
  .strict();
export const customerBody = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200).describe('company name as on the cases, e.g. 苏州精密电子有限公司'),
    nameEn: z.string().trim().max(200).optional(),
    contacts: z.array(contactBody).max(50).default([]),
  })
  .strict();
const idParam = z.object({ id: z.string().uuid('must be a customer id') });
const contactParam = z.object({ id: z.string().uuid('must be a customer id'), contactId: z.string().uuid('must be a contact id') });

export function customerRoutes(registry: RouteRegistry, db: Db): Router {
  const router = Router();
  const err = { description: 'Error', schema: errorResponse };
  const withContacts = { contacts: { orderBy: { createdAt: 'asc' } } } as const;

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/customers',
      summary: 'Customers and their questionnaire contacts',
      tags: ['customers'],
      query: z.object({ all: z.enum(['1', 'true']).optional().describe('include inactive customers') }),
      responses: { 200: { description: 'Customers' } },
    },
    ({ query }) => db.customer.findMany({ where: query.all ? {} : { active: true }, include: withContacts, orderBy: { name: 'asc' } }),
  );

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/customers',
      summary: 'Register a customer with its contacts (administrator)',
      tags: ['customers'],
      body: customerBody,
      roles: ADMIN_ROLES,
      responses: { 201: { description: 'Created' }, 400: err, 403: err, 422: err },
    },
    async ({ body, res }) => {
      if (await db.customer.findUnique({ where: { name: body.name } })) throw invalidField('name', 'a customer with this name exists');
      const seen = new Set<string>();
      body.contacts.forEach((c, i) => {
        if (seen.has(c.email)) throw invalidField(`contacts.${i}.email`, 'appears twice');
        seen.add(c.email);
      });
      res.status(201);
      return db.customer.create({ data: { name: body.name, nameEn: body.nameEn ?? null, source: 'admin', contacts: { create: body.contacts } }, include: withContacts });
    },
  );

  registry.add(
    router,
    {
      method: 'patch',
      path: '/api/customers/:id',
      summary: 'Rename a customer or (de)activate it (administrator)',
      tags: ['customers'],
      params: idParam,
      body: z.object({ name: customerBody.shape.name.optional(), nameEn: z.string().trim().max(200).nullable().optional(), active: z.boolean().optional() }).strict(),
      roles: ADMIN_ROLES,
      responses: { 200: { description: 'Updated' }, 400: err, 403: err, 404: err, 422: err },
    },
    async ({ params, body }) => {
      if (!(await db.customer.findUnique({ where: { id: params.id } }))) throw notFound(`Customer ${params.id}`);
      if (body.name && (await db.customer.findFirst({ where: { name: body.name, NOT: { id: params.id } } }))) throw invalidField('name', 'a customer with this name exists');
      return db.customer.update({ where: { id: params.id }, data: body, include: withContacts });
    },
  );

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/customers/:id/contacts',
      summary: 'Add a contact to a customer (administrator)',
      tags: ['customers'],
      params: idParam,
      body: contactBody,
      roles: ADMIN_ROLES,
      responses: { 201: { description: 'Created' }, 400: err, 403: err, 404: err, 422: err },
    },
    async ({ params, body, res }) => {
      if (!(await db.customer.findUnique({ where: { id: params.id } }))) throw notFound(`Customer ${params.id}`);
      if (await db.customerContact.findUnique({ where: { customerId_email: { customerId: params.id, email: body.email } } })) throw invalidField('email', 'this customer already has a contact with this e-mail address');
      res.status(201);
      return db.customerContact.create({ data: { ...body, customerId: params.id } });
    },
  );

  registry.add(
    router,
    {
      method: 'patch',
      path: '/api/customers/:id/contacts/:contactId',
      summary: 'Change a contact: name, e-mail, language or active flag (administrator)',
      tags: ['customers'],
      params: contactParam,
      body: contactBody.partial().extend({ active: z.boolean().optional() }).strict(),
      roles: ADMIN_ROLES,
      responses: { 200: { description: 'Updated' }, 400: err, 403: err, 404: err, 422: err },
    },
    async ({ params, body }) => {
      const contact = await db.customerContact.findFirst({ where: { id: params.contactId, customerId: params.id } });
      if (!contact) throw notFound(`Contact ${params.contactId} of customer ${params.id}`);
      if (body.email && body.email !== contact.email && (await db.customerContact.findUnique({ where: { customerId_email: { customerId: params.id, email: body.email } } }))) {
        throw invalidField('email', 'this customer already has a contact with this e-mail address');
      }
      return db.customerContact.update({ where: { id: contact.id }, data: body });
    },
  );

  return router;
}
