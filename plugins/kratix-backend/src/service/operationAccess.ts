import express, { ErrorRequestHandler, RequestHandler } from 'express';
import {
  AuditorService,
  AuditorServiceEvent,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  KRATIX_RESOURCE_RESOURCE_TYPE,
  KratixResource,
  kratixPermissions,
} from '@kratix-backstage/plugin-kratix-common';
import { JsonObject } from '@backstage/types';
import { notAllowed, ResourceAccess } from './resourceAccess';

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
/** The caller's credentials. */
const CALLER = 'kratixCaller';
/** The test of the Resources a list may show (a policy's conditions). */
const VISIBLE = 'kratixVisible';

/**
 * Before a request is read or validated: authenticates the caller, opens
 * the audit event of a write (`x-kratix-audit-event`) and checks the
 * operation's permission (`x-kratix-permission`) with the caller's own
 * credentials; a Resource permission against the Resource the path names
 * (see ResourceAccess). Also under `/clusters/:cluster`.
 */
export function authorizeOperations(options: {
  spec: { paths: object };
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  resources: ResourceAccess;
}): RequestHandler {
  const { httpAuth, permissions, auditor, resources } = options;
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
    const direct = find(req.method, req.path);
    const found =
      direct ?? (prefixed ? find(req.method, prefixed[2]) : undefined);
    const name = found?.op.permission;
    if (!found || !name) return next();
    const { op, values } = found;
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.locals[CALLER] = credentials;
    const params: Record<string, string> = {};
    op.params.forEach((param, i) => {
      params[param] = decodeURIComponent(values[i]);
    });
    const cluster =
      prefixed && !direct ? decodeURIComponent(prefixed[1]) : undefined;
    if (op.auditEvent) {
      const event = await auditor.createEvent({
        eventId: op.auditEvent,
        request: req,
        severityLevel: 'medium',
        meta: { ...params, ...(cluster && { cluster }) } as JsonObject,
      });
      res.locals[AUDIT] = event;
    }
    const permission = kratixPermissions.find(p => p.name === name);
    if (!permission) throw notAllowed(name);
    if (isResourcePermission(permission, KRATIX_RESOURCE_RESOURCE_TYPE)) {
      res.locals[VISIBLE] = await resources.check(permission, credentials, {
        cluster,
        ...params,
      });
      return next();
    }
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw notAllowed(name);
    }
    return next();
  };
}

/** The caller's credentials, once authorizeOperations has read them. */
export function callerOf(res: express.Response): BackstageCredentials {
  return res.locals[CALLER];
}

/** The test of the Resources a list may show; none when all. */
export function visibleOf(
  res: express.Response,
): ((resource: KratixResource) => boolean) | undefined {
  return res.locals[VISIBLE];
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
