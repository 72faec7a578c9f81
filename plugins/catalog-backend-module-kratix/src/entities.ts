// Catalog entities for Kratix objects: pure functions of the object and the
// provider's options, so that an unchanged object gives an unchanged entity
// (the catalog then skips it).
import { createHash } from 'node:crypto';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ApiEntity,
  KubernetesValidatorFunctions,
  ResourceEntity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  KRATIX_RESOURCE_REF_ANNOTATION,
  KratixPromise,
  KratixResource,
  ResourceRef,
  stringifyResourceRef,
} from '@kratix-backstage/plugin-kratix-common';

/** The label that names the Promise of an entity. @public */
export const KRATIX_PROMISE_LABEL = 'kratix.io/promise';

/** The annotation of a Kratix object that names its catalog owner. @public */
export const KRATIX_OWNER_ANNOTATION = 'kratix.io/owner';

/** The `spec.type` of the Resource entities. @public */
export const KRATIX_RESOURCE_ENTITY_TYPE = 'kratix-resource';

/** How the entities are shaped (from `catalog.providers.kratix`). @public */
export interface KratixEntityOptions {
  /** The catalog namespace of every entity. */
  namespace: string;
  /** The owner when the object has no valid `kratix.io/owner`. */
  owner: string;
  /** The API entities' `spec.lifecycle`. */
  lifecycle: string;
  /** The external URL of the Kratix REST API, for the OpenAPI servers. */
  apiBaseUrl: string;
}

/** A Promise, and the cluster that holds it in Kubernetes mode. */
export interface PromiseRef {
  cluster?: string;
  promise: string;
}

const MAX_NAME = 63;

/**
 * `<parts joined by ->`; when that is no entity name (too long, odd
 * characters), its start and a hash of the whole, unique and stable.
 */
export function entityName(parts: string[]): string {
  const joined = parts.join('-');
  if (KubernetesValidatorFunctions.isValidObjectName(joined)) return joined;
  const hash = createHash('sha256').update(joined).digest('hex').slice(0, 8);
  const start = joined
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .slice(0, MAX_NAME - hash.length - 1)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return start ? `${start}-${hash}` : hash;
}

/** The entity ref of a Promise's API entity. */
export function promiseEntityRef(
  ref: PromiseRef,
  options: Pick<KratixEntityOptions, 'namespace'>,
): string {
  return stringifyEntityRef({
    kind: 'API',
    namespace: options.namespace,
    name: entityName(withCluster(ref.cluster, [ref.promise])),
  });
}

/** The entity ref of a Resource's entity. */
export function resourceEntityRef(
  ref: ResourceRef,
  options: Pick<KratixEntityOptions, 'namespace'>,
): string {
  return stringifyEntityRef({
    kind: 'Resource',
    namespace: options.namespace,
    name: entityName(
      withCluster(ref.cluster, [ref.promise, ref.namespace, ref.name]),
    ),
  });
}

/** A Promise as an `API` entity whose definition is an OpenAPI document. */
export function promiseToEntity(
  ref: PromiseRef,
  promise: KratixPromise,
  options: KratixEntityOptions,
): ApiEntity {
  const crd = readCrd(promise.spec.api);
  const subject = crd ? `${crd.kind} (${crd.group}/${crd.version})` : '';
  const location = `kratix:${stringifyPromiseRef(ref)}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: {
      name: parseEntityRef(promiseEntityRef(ref, options)).name,
      namespace: options.namespace,
      title: crd
        ? `${crd.kind} (Kratix Promise)`
        : `${ref.promise} (Kratix Promise)`,
      description: crd
        ? `Kratix Promise ${ref.promise}: request a ${subject} as a Resource.`
        : `Kratix Promise ${ref.promise}; it has no API, so no Resources.`,
      labels: { [KRATIX_PROMISE_LABEL]: ref.promise },
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
      },
      tags: ['kratix'],
    },
    spec: {
      type: 'openapi',
      lifecycle: options.lifecycle,
      owner: ownerOf(promise, options),
      definition: JSON.stringify(
        openApiDocument(ref, crd, subject, options),
        null,
        2,
      ),
    },
  };
}

/** A Resource as a `Resource` entity that the Kratix card shows. */
export function resourceToEntity(
  ref: ResourceRef,
  resource: KratixResource,
  options: KratixEntityOptions,
): ResourceEntity {
  const location = `kratix:${stringifyResourceRef(ref)}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: parseEntityRef(resourceEntityRef(ref, options)).name,
      namespace: options.namespace,
      title: `${ref.name} (${resource.kind})`,
      description: `Kratix Resource ${ref.namespace}/${ref.name}, requested from the Promise ${ref.promise}.`,
      labels: { [KRATIX_PROMISE_LABEL]: ref.promise },
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [KRATIX_RESOURCE_REF_ANNOTATION]: stringifyResourceRef(ref),
      },
      tags: ['kratix'],
    },
    spec: {
      type: KRATIX_RESOURCE_ENTITY_TYPE,
      owner: ownerOf(resource, options),
      dependsOn: [promiseEntityRef(ref, options)],
    },
  };
}

function withCluster(cluster: string | undefined, parts: string[]) {
  return cluster ? [cluster, ...parts] : parts;
}

function stringifyPromiseRef(ref: PromiseRef): string {
  return ref.cluster ? `${ref.cluster}/${ref.promise}` : ref.promise;
}

/** The object's `kratix.io/owner` when it is an entity ref, else the default. */
function ownerOf(
  object: { metadata: { annotations?: Record<string, string> } },
  options: Pick<KratixEntityOptions, 'owner'>,
): string {
  const owner = object.metadata.annotations?.[KRATIX_OWNER_ANNOTATION]?.trim();
  return owner && isOwnerRef(owner) ? owner : options.owner;
}

/** `[<kind>:][<namespace>/]<name>`, each part valid in the catalog. */
export function isOwnerRef(value: string): boolean {
  try {
    const ref = parseEntityRef(value, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
    return (
      KubernetesValidatorFunctions.isValidKind(ref.kind) &&
      KubernetesValidatorFunctions.isValidNamespace(ref.namespace) &&
      KubernetesValidatorFunctions.isValidObjectName(ref.name)
    );
  } catch {
    return false;
  }
}

interface Crd {
  group: string;
  kind: string;
  plural: string;
  version: string;
  schema: Record<string, unknown>;
}

/** The storage version of the Promise's CRD (or its first served one). */
function readCrd(api: unknown): Crd | undefined {
  const spec = (api as { spec?: any } | undefined)?.spec;
  const versions: any[] = Array.isArray(spec?.versions) ? spec.versions : [];
  const version =
    versions.find(v => v?.storage) ?? versions.find(v => v?.served);
  if (!spec?.group || !spec?.names?.kind || !version?.name) return undefined;
  return {
    group: String(spec.group),
    kind: String(spec.names.kind),
    plural: String(spec.names.plural ?? ''),
    version: String(version.name),
    schema: version.schema?.openAPIV3Schema ?? { type: 'object' },
  };
}

/**
 * The Kratix REST routes of the Promise's Resources, with the CRD schema as
 * the Resource's schema: what the API docs plugin renders.
 */
function openApiDocument(
  ref: PromiseRef,
  crd: Crd | undefined,
  subject: string,
  options: KratixEntityOptions,
) {
  const cluster = ref.cluster
    ? `/clusters/${encodeURIComponent(ref.cluster)}`
    : '';
  const info = {
    title: `Kratix Promise ${ref.promise}`,
    version: crd?.version ?? '0',
    description: crd
      ? `Requests of ${subject} through the Kratix REST API.`
      : 'This Promise has no API.',
  };
  const servers = [{ url: `${options.apiBaseUrl}${cluster}` }];
  if (!crd) return { openapi: '3.0.3', info, servers, paths: {} };
  const base = `/promises/${encodeURIComponent(ref.promise)}/resources`;
  const schema = { $ref: `#/components/schemas/${crd.kind}` };
  const json = (description: string) => ({
    description,
    content: { 'application/json': { schema } },
  });
  const param = (name: string) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  });
  return {
    openapi: '3.0.3',
    info,
    servers,
    paths: {
      [base]: {
        get: {
          summary: `List the ${crd.kind} Resources`,
          responses: {
            '200': {
              description: 'The Resources, by namespace and name.',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: { items: { type: 'array', items: schema } },
                  },
                },
              },
            },
          },
        },
      },
      [`${base}/{namespace}/{name}`]: {
        parameters: [param('namespace'), param('name')],
        get: {
          summary: `Read a ${crd.kind}, with its status`,
          responses: { '200': json('The Resource.') },
        },
        put: {
          summary: `Request a ${crd.kind}, or update it`,
          requestBody: { required: true, content: json('').content },
          responses: {
            '200': json('Updated.'),
            '201': json('Created.'),
          },
        },
        delete: {
          summary: `Delete a ${crd.kind}: its delete workflow runs first`,
          responses: { '202': { description: 'Deleting.' } },
        },
      },
    },
    components: { schemas: { [crd.kind]: crd.schema } },
  };
}
