import express, { ErrorRequestHandler, RequestHandler } from 'express';
import {
  AuditorService,
  AuditorServiceEvent,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { kratixPermissions } from '@kratix-backstage/plugin-kratix-common';
import { JsonObject } from '@backstage/types';

/** What the document says of an operation's access. */
interface Access {
  method: string;
  pattern: RegExp;
  params: string[];
  permission?: string;
  auditEvent?: string;
}

/** The operations of an OpenAPI document, with their `x-kratix-*` fields. */
function accessOf(spec: { paths: object }): Access[] {
  return Object.entries(spec.paths).flatMap(([template, item]) =>
    Object.entries(item as Record<string, any>).map(([method, op]) => ({
      method: method.toUpperCase(),
      pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '([^/]+)')}/?$`),
      params: [...template.matchAll(/\{(\w+)\}/g)].map(m => m[1]),
      permission: op['x-kratix-permission'],
      auditEvent: op['x-kratix-audit-event'],
    })),
  );
}

/** The audit event of a write, open until `audited` or an error ends it. */
const AUDIT = 'kratixAuditEvent';

/**
 * Before a request is read or validated: authenticates the caller, opens
 * the audit event of a write (`x-kratix-audit-event`) and checks the
 * operation's permission (`x-kratix-permission`) with the caller's own
 * credentials. Also under `/clusters/:cluster`.
 */
export function authorizeOperations(options: {
  spec: { paths: object };
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
}): RequestHandler {
  const { httpAuth, permissions, auditor } = options;
  const operations = accessOf(options.spec);
  const find = (method: string, path: string) => {
    for (const op of operations) {
      const match = op.method === method && op.pattern.exec(path);
      if (match) return { op, values: match.slice(1) };
    }
    return undefined;
  };
  return async (req, res, next) => {
    const prefixed = /^\/clusters\/([^/]+)(\/.*)$/.exec(req.path);
    const found =
      find(req.method, req.path) ??
      (prefixed ? find(req.method, prefixed[2]) : undefined);
    if (!found?.op.permission) return next();
    const { op, values } = found;
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    let event: AuditorServiceEvent | undefined;
    if (op.auditEvent) {
      const meta: Record<string, string> = {};
      op.params.forEach((name, i) => {
        meta[name] = decodeURIComponent(values[i]);
      });
      if (prefixed && !find(req.method, req.path)) {
        meta.cluster = decodeURIComponent(prefixed[1]);
      }
      event = await auditor.createEvent({
        eventId: op.auditEvent,
        request: req,
        severityLevel: 'medium',
        meta: meta as JsonObject,
      });
      res.locals[AUDIT] = event;
    }
    const permission = kratixPermissions.find(p => p.name === op.permission);
    const [decision] = permission
      ? await permissions.authorize([{ permission }], { credentials })
      : [{ result: AuthorizeResult.DENY }];
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed: the permission '${op.permission}' is required`,
      );
    }
    return next();
  };
}

/** Ends the open audit event of a write with its error. */
export function failAuditedWrites(): ErrorRequestHandler {
  return async (error, _req, res, next) => {
    const event: AuditorServiceEvent | undefined = res.locals[AUDIT];
    delete res.locals[AUDIT];
    await event?.fail({ error });
    next(error);
  };
}

/** Does a write's work, then ends its audit event with success. */
export async function audited<T>(
  res: express.Response,
  work: () => Promise<T>,
): Promise<T> {
  const result = await work();
  const event: AuditorServiceEvent | undefined = res.locals[AUDIT];
  delete res.locals[AUDIT];
  await event?.success();
  return result;
}
