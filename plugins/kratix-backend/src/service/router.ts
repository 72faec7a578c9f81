import express from 'express';
import Router from 'express-promise-router';
import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { createOpenApiRouter, spec } from '../schema/openapi/generated/router';
import { KratixApi } from './KratixApi';
import { bodyParsers, readBodies } from './body';
import { explainValidationErrors } from './validationErrors';
import {
  audited,
  authorizeOperations,
  callerOf,
  failAuditedWrites,
  visibleOf,
} from './operationAccess';
import { resourceKey } from '../reconciler/keys';
import { PermissionRuleset } from '@backstage/plugin-permission-node';
import { KratixResourceEntry } from '../permissions/resourceRef';
import { ResourceAccess } from './resourceAccess';
import { Requester } from './requestedBy';
import { kratixResourceUpdatePermission } from '@kratix-backstage/plugin-kratix-common';

/**
 * An answer of the engine's types as the document's JSON, which the typed
 * router asks for (openapi.test.ts checks real answers against the
 * document).
 */
const documented = (value: unknown) => value as any;

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
  /** The rules of policies' conditions on Resources (permissionsRegistry's). */
  resourceRules: PermissionRuleset<KratixResourceEntry>;
}

/**
 * The HTTP layer of the Kratix backend plugin (`/api/kratix`): the routes of
 * `src/schema/openapi.yaml`, typed and validated from it (see
 * `yarn openapi:generate`), also served under `/clusters/:cluster`.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { apiFor, httpAuth } = options;
  const router = Router();
  // Callers are authenticated by httpAuth (tokens, and cookies too), not by
  // the validator.
  const routes = await createOpenApiRouter({
    validatorOptions: { validateSecurity: false },
  });
  // Authorized as the caller, then read and validated.
  const resources = new ResourceAccess({
    permissions: options.permissions,
    ruleset: options.resourceRules,
    apiFor,
  });
  router.use(authorizeOperations({ ...options, spec, resources }));
  router.use(...bodyParsers(), readBodies());
  router.use(
    '/clusters/:cluster',
    (req, res, next) => {
      res.locals.cluster = req.params.cluster;
      next();
    },
    routes,
  );
  router.use(routes);
  router.use(explainValidationErrors(), failAuditedWrites());

  /** The API the request names: its cluster's, or the default one. */
  const api = (res: express.Response) => apiFor(res.locals.cluster);

  routes.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Which clusters there are, to any signed-in caller.
  routes.get('/clusters', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ items: (options.clusters ?? []).map(name => ({ name })) });
  });

  routes.get('/promises', async (_req, res) => {
    res.json({ items: documented(await api(res).listPromises()) });
  });

  routes.get('/promises/:promise', async (req, res) => {
    sendObject(res, await api(res).getPromise(req.params.promise));
  });

  routes.put('/promises/:promise', async (req, res) => {
    const applied = await audited(res, () =>
      api(res).applyPromise(req.body, req.params.promise),
    );
    sendWarnings(res, applied.warnings);
    res
      .status(applied.created ? 201 : 200)
      .json(
        documented(
          applied.warnings?.length
            ? { ...applied.object, warnings: applied.warnings }
            : applied.object,
        ),
      );
  });

  routes.delete('/promises/:promise', async (req, res) => {
    await audited(res, () => api(res).deletePromise(req.params.promise));
    res.status(202).json({ status: 'deleting' });
  });

  routes.get('/promises/:promise/resources', async (req, res) => {
    const page = await api(res).listResources(req.params.promise, {
      ...req.query,
      visible: visibleOf(res),
    });
    res.json({
      items: documented(page.items),
      ...(page.continue && { metadata: { continue: page.continue } }),
    });
  });

  const resourcePath = '/promises/:promise/resources/:namespace/:name';

  routes.get(resourcePath, async (req, res) => {
    const { promise, namespace, name } = req.params;
    sendObject(res, await api(res).getResource(promise, namespace, name));
  });

  routes.put(resourcePath, async (req, res) => {
    const { promise, namespace, name } = req.params;
    const { dryRun } = req.query;
    // `If-None-Match: *`: create it, never update one that exists.
    const createOnly = req.header('if-none-match') === '*';
    const caller = callerOf(res);
    const applied = await audited(res, () =>
      api(res).applyResource(promise, namespace, name, req.body, {
        dryRun: dryRun === 'true' || dryRun === 'All',
        createOnly,
        requester: requesterOf(caller),
        // Changing one that exists also needs `kratix.resource.update`.
        mayUpdate: stored =>
          resources.checkStored(
            kratixResourceUpdatePermission,
            caller,
            { cluster: res.locals.cluster, promise },
            stored,
          ),
      }),
    );
    res.status(applied.created ? 201 : 200).json(documented(applied.object));
  });

  routes.delete(resourcePath, async (req, res) => {
    const { promise, namespace, name } = req.params;
    await audited(res, () => api(res).deleteResource(promise, namespace, name));
    res.status(202).json({ status: 'deleting' });
  });

  routes.post(`${resourcePath}/reconcile`, async (req, res) => {
    const { promise, namespace, name } = req.params;
    await audited(res, () =>
      api(res).reconcile(resourceKey(promise, namespace, name)),
    );
    res.status(202).json({ status: 'queued' });
  });

  routes.get(`${resourcePath}/runs`, async (req, res) => {
    const { promise, namespace, name } = req.params;
    res.json({
      items: documented(await api(res).listRuns(promise, namespace, name)),
    });
  });

  routes.get(`${resourcePath}/runs/:run/logs`, async (req, res) => {
    const { promise, namespace, name, run } = req.params;
    res.json({
      items: documented(await api(res).getLogs(promise, namespace, name, run)),
    });
  });

  const healthPath = '/healthrecords/:namespace/:name';

  routes.get(healthPath, async (req, res) => {
    const { namespace, name } = req.params;
    res.json(documented(await api(res).getHealthRecord(namespace, name)));
  });

  routes.put(healthPath, async (req, res) => {
    const { namespace, name } = req.params;
    const applied = await audited(res, () =>
      api(res).putHealthRecord(namespace, name, req.body),
    );
    res.status(applied.created ? 201 : 200).json(documented(applied.object));
  });

  routes.delete(healthPath, async (req, res) => {
    const { namespace, name } = req.params;
    await audited(res, () => api(res).deleteHealthRecord(namespace, name));
    res.status(204).end();
  });

  return router;
}

/** Who requests a Resource: a user by their entity ref, a service unnamed. */
function requesterOf(credentials: BackstageCredentials): Requester {
  const { principal } = credentials as BackstageCredentials<any>;
  return principal.type === 'user'
    ? { userEntityRef: principal.userEntityRef }
    : {};
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
