import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v3';
import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  kratixHealthRecordWritePermission,
  kratixPromiseManagePermission,
  kratixPromiseReadPermission,
  kratixResourceDeletePermission,
  kratixResourceReadPermission,
  kratixResourceReconcilePermission,
  kratixResourceRequestPermission,
} from '@kratix-backstage/plugin-kratix-common';
import { JsonObject } from '@backstage/types';
import { KratixApi } from './KratixApi';
import { bodyParsers, parseBody } from './body';
import { DNS_LABEL, DNS_SUBDOMAIN, NameRule } from '../engine';
import { resourceKey } from '../reconciler/keys';

export interface RouterOptions {
  /**
   * The API of the named cluster (routes under `/clusters/:cluster`), or
   * the default one; throws for an unknown cluster.
   */
  apiFor(cluster?: string): KratixApi;
  /** The configured clusters' names (`GET /clusters`); none when embedded. */
  clusters?: string[];
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
}

/** A name of Kubernetes' rules (DNS-1123). */
const named = (rule: NameRule) =>
  z
    .string()
    .max(rule.maxLength)
    .regex(rule.pattern, `must be ${rule.description}`);
const name = named(DNS_SUBDOMAIN);
/** Namespaces written to; reads and deletes take any saved before. */
const namespace = named(DNS_LABEL);

const resourceParams = z.object({
  promise: name,
  namespace: name,
  name,
});

const resourceInput = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z
    .object({
      name: z.string().optional(),
      namespace: z.string().optional(),
      labels: z.record(z.string()).optional(),
      annotations: z.record(z.string()).optional(),
      resourceVersion: z.string().optional(),
    })
    .passthrough()
    .optional(),
  spec: z.record(z.unknown()).optional(),
  status: z.unknown().optional(),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue.path.length ? `${where}.${issue.path.join('.')}` : where;
    throw new InputError(`Invalid ${path}: ${issue.message}`);
  }
  return result.data;
}

/** The HTTP layer of the Kratix backend plugin (`/api/kratix`). */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { apiFor, httpAuth, permissions, auditor } = options;
  const router = Router();
  router.use(...bodyParsers());
  // Every route below, also under /clusters/:cluster (Kubernetes mode).
  const routes = Router({ mergeParams: true });
  /** The API the request names: its cluster's, or the default one. */
  const api = (req: express.Request) => apiFor(req.params.cluster);

  /** Checks the caller's own credentials against a permission. */
  async function authorize(
    req: express.Request,
    permission: BasicPermission,
  ): Promise<BackstageCredentials> {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed: the permission '${permission.name}' is required`,
      );
    }
    return credentials;
  }

  /** A write: audited, authorized as the caller, then its body read and done. */
  async function mutate<T>(
    req: express.Request,
    eventId: string,
    permission: BasicPermission,
    work: () => Promise<T>,
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId,
      request: req,
      severityLevel: 'medium',
      meta: { ...req.params } as JsonObject,
    });
    try {
      await authorize(req, permission);
      const result = await work();
      await event.success();
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Which clusters there are, to any signed-in caller.
  router.get('/clusters', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ items: (options.clusters ?? []).map(n => ({ name: n })) });
  });
  router.use('/clusters/:cluster', routes);
  router.use(routes);

  routes.get('/promises', async (req, res) => {
    await authorize(req, kratixPromiseReadPermission);
    res.json({ items: await api(req).listPromises() });
  });

  routes.get('/promises/:promise', async (req, res) => {
    const p = parse(z.object({ promise: name }), req.params, 'path');
    await authorize(req, kratixPromiseReadPermission);
    sendObject(res, await api(req).getPromise(p.promise));
  });

  routes.put('/promises/:promise', async (req, res) => {
    const p = parse(z.object({ promise: name }), req.params, 'path');
    const applied = await mutate(
      req,
      'promise-apply',
      kratixPromiseManagePermission,
      async () =>
        api(req).applyPromise(await parseBody(req, 'Promise'), p.promise),
    );
    sendWarnings(res, applied.warnings);
    res
      .status(applied.created ? 201 : 200)
      .json(
        applied.warnings?.length
          ? { ...applied.object, warnings: applied.warnings }
          : applied.object,
      );
  });

  routes.delete('/promises/:promise', async (req, res) => {
    const p = parse(z.object({ promise: name }), req.params, 'path');
    await mutate(req, 'promise-delete', kratixPromiseManagePermission, () =>
      api(req).deletePromise(p.promise),
    );
    res.status(202).json({ status: 'deleting' });
  });

  routes.get('/promises/:promise/resources', async (req, res) => {
    const p = parse(z.object({ promise: name }), req.params, 'path');
    const q = parse(
      z.object({
        namespace: name.optional(),
        labelSelector: z.string().max(4096).optional(),
        limit: z.coerce.number().int().min(1).max(1000).optional(),
        continue: z.string().min(1).max(1024).optional(),
      }),
      req.query,
      'query',
    );
    await authorize(req, kratixResourceReadPermission);
    const page = await api(req).listResources(p.promise, q);
    res.json({
      items: page.items,
      ...(page.continue && { metadata: { continue: page.continue } }),
    });
  });

  const resourcePath = '/promises/:promise/resources/:namespace/:name';

  routes.get(resourcePath, async (req, res) => {
    const p = parse(resourceParams, req.params, 'path');
    await authorize(req, kratixResourceReadPermission);
    sendObject(res, await api(req).getResource(p.promise, p.namespace, p.name));
  });

  routes.put(resourcePath, async (req, res) => {
    const p = parse(resourceParams.extend({ namespace }), req.params, 'path');
    const q = parse(
      z.object({ dryRun: z.enum(['true', 'false', 'All']).optional() }),
      req.query,
      'query',
    );
    const dryRun = q.dryRun === 'true' || q.dryRun === 'All';
    // `If-None-Match: *`: create it, never update one that exists.
    const createOnly = req.header('if-none-match') === '*';
    const applied = await mutate(
      req,
      'resource-request',
      kratixResourceRequestPermission,
      async () => {
        const body = await parseBody(req, 'Resource');
        const input = parse(resourceInput, body, 'body');
        return api(req).applyResource(p.promise, p.namespace, p.name, input, {
          dryRun,
          createOnly,
        });
      },
    );
    res.status(applied.created ? 201 : 200).json(applied.object);
  });

  routes.delete(resourcePath, async (req, res) => {
    const p = parse(resourceParams, req.params, 'path');
    await mutate(req, 'resource-delete', kratixResourceDeletePermission, () =>
      api(req).deleteResource(p.promise, p.namespace, p.name),
    );
    res.status(202).json({ status: 'deleting' });
  });

  routes.post(`${resourcePath}/reconcile`, async (req, res) => {
    const p = parse(resourceParams, req.params, 'path');
    await mutate(
      req,
      'resource-reconcile',
      kratixResourceReconcilePermission,
      () => api(req).reconcile(resourceKey(p.promise, p.namespace, p.name)),
    );
    res.status(202).json({ status: 'queued' });
  });

  routes.get(`${resourcePath}/runs`, async (req, res) => {
    const p = parse(resourceParams, req.params, 'path');
    await authorize(req, kratixResourceReadPermission);
    res.json({
      items: await api(req).listRuns(p.promise, p.namespace, p.name),
    });
  });

  routes.get(`${resourcePath}/runs/:run/logs`, async (req, res) => {
    const p = parse(
      resourceParams.extend({ run: z.string().min(1).max(64) }),
      req.params,
      'path',
    );
    await authorize(req, kratixResourceReadPermission);
    res.json({
      items: await api(req).getLogs(p.promise, p.namespace, p.name, p.run),
    });
  });

  const healthPath = '/healthrecords/:namespace/:name';
  const healthParams = z.object({ namespace: name, name });

  routes.get(healthPath, async (req, res) => {
    const p = parse(healthParams, req.params, 'path');
    await authorize(req, kratixResourceReadPermission);
    res.json(await api(req).getHealthRecord(p.namespace, p.name));
  });

  routes.put(healthPath, async (req, res) => {
    const p = parse(healthParams.extend({ namespace }), req.params, 'path');
    const applied = await mutate(
      req,
      'healthrecord-write',
      kratixHealthRecordWritePermission,
      async () =>
        api(req).putHealthRecord(
          p.namespace,
          p.name,
          await parseBody(req, 'HealthRecord'),
        ),
    );
    res.status(applied.created ? 201 : 200).json(applied.object);
  });

  routes.delete(healthPath, async (req, res) => {
    const p = parse(healthParams, req.params, 'path');
    await mutate(
      req,
      'healthrecord-delete',
      kratixHealthRecordWritePermission,
      () => api(req).deleteHealthRecord(p.namespace, p.name),
    );
    res.status(204).end();
  });

  return router;
}

/**
 * Warnings as Kubernetes sends them: one `Warning: 299 - "<text>"` header
 * each (RFC 7234), besides the `warnings` array in the body.
 */
function sendWarnings(res: express.Response, warnings: string[] = []) {
  for (const text of warnings) {
    const ascii = text.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, '\\$&');
    res.append('Warning', `299 - "${ascii}"`);
  }
}

/**
 * An object with its version as ETag: `If-None-Match` then gets 304 (and
 * Express skips hashing the body for its own ETag). Caches revalidate
 * every time and never share it: what a caller may read is its own.
 */
function sendObject(
  res: express.Response,
  object: { metadata: { uid?: string; resourceVersion?: string } },
) {
  const { uid, resourceVersion } = object.metadata;
  if (uid && resourceVersion) {
    res.setHeader('ETag', `W/"${uid}.${resourceVersion}"`);
  }
  res.setHeader('Cache-Control', 'private, no-cache');
  res.json(object);
}
