// Seeds a Kubernetes API server as upstream Kratix leaves it after
// reconciling the demo: Kratix's CRDs, the example Promises (each with its
// API's CRD, as Kratix installs it), the example Resources with the status
// their pipelines and Kratix wrote, their pipeline Jobs, the HealthRecords.
//
//   tsx scripts/kubernetes-demo/seed.ts <kubeconfig>
import fs from 'node:fs';
import path from 'node:path';
import {
  KubernetesObject,
  loadAllYaml,
  loadYaml,
} from '@kubernetes/client-node';
import {
  KratixResource,
  KratixStatus,
  stringifyResourceRef,
} from '@kratix-backstage/plugin-kratix-common';
import {
  KRATIX_API_VERSION,
  ParsedPromise,
  applyHealthRecords,
  formatTime,
  markConfigureSucceeded,
  parseHealthRecord,
  parsePromise,
} from '../../plugins/kratix-backend/src/engine';
import { DemoCluster, connect, mergePatch, retry } from './cluster';
import { DEMO_PIPELINES, configureWorkflow } from './kratixStatus';
import { createPipelineJobs } from './pipelineJobs';

const REPO = path.resolve(__dirname, '../..');
const SHARED = process.env.KRATIX_SHARED_DIR ?? path.resolve(REPO, '../shared');
const KRATIX = { group: 'platform.kratix.io', version: 'v1alpha1' };

const readAll = (file: string) =>
  (loadAllYaml(fs.readFileSync(file, 'utf8')) as KubernetesObject[]).filter(
    Boolean,
  );

/**
 * A Promise's API as Kratix installs it: `spec.api`, each version with a
 * status subresource, a status that keeps any key, and the message as a
 * printer column.
 */
function apiCrd(promise: ParsedPromise): KubernetesObject {
  const crd = structuredClone((promise.promise.spec as any).api);
  crd.metadata.labels = {
    ...crd.metadata.labels,
    'kratix.io/promise-name': promise.name,
  };
  for (const version of crd.spec.versions) {
    version.subresources = { ...version.subresources, status: {} };
    const schema = version.schema.openAPIV3Schema;
    schema.properties = {
      ...schema.properties,
      status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    };
    version.additionalPrinterColumns = [
      ...(version.additionalPrinterColumns ?? []),
      { name: 'Status', type: 'string', jsonPath: '.status.message' },
    ];
  }
  // Through the typed model, which keeps the x-kubernetes-* keys.
  return loadYaml(JSON.stringify(crd));
}

async function installPromise(cluster: DemoCluster, promise: ParsedPromise) {
  const api = promise.api!;
  await cluster.objects.create(apiCrd(promise));
  await retry(`Promise ${promise.name}`, () =>
    cluster.custom.createClusterCustomObject({
      ...KRATIX,
      plural: 'promises',
      body: promise.promise,
    }),
  );
  const status: KratixStatus = {
    ...markConfigureSucceeded(
      {},
      {
        type: 'promise',
        generation: 1,
        pipelineCount: 0,
        outputsPlaced: true,
        now: new Date(),
      },
    ),
    status: 'Available',
    apiVersion: `${api.group}/${api.version}`,
    kind: api.kind,
    lastAvailableTime: formatTime(new Date()),
  };
  await cluster.custom.patchClusterCustomObjectStatus(
    { ...KRATIX, plural: 'promises', name: promise.name, body: { status } },
    mergePatch,
  );
}

async function requestResource(
  cluster: DemoCluster,
  promise: ParsedPromise,
  resource: KratixResource,
  health: ReturnType<typeof parseHealthRecord>[],
) {
  const api = promise.api!;
  const where = { group: api.group, version: api.version, plural: api.plural };
  const { name, namespace = 'default' } = resource.metadata;
  const ref = stringifyResourceRef({ promise: promise.name, namespace, name });
  await retry(`Resource ${ref}`, () =>
    cluster.custom.createNamespacedCustomObject({
      ...where,
      namespace,
      body: resource,
    }),
  );
  const { status, ran } = configureWorkflow(
    promise.workflows.resource.configure,
    DEMO_PIPELINES[ref],
    new Date(Date.now() - 60_000),
  );
  const records = health.filter(
    r =>
      r.data.promiseRef.name === promise.name &&
      r.data.resourceRef?.name === name &&
      r.data.resourceRef?.namespace === namespace,
  );
  await cluster.custom.patchNamespacedCustomObjectStatus(
    {
      ...where,
      namespace,
      name,
      body: { status: applyHealthRecords(status, records) },
    },
    mergePatch,
  );
  await createPipelineJobs(cluster, promise.name, resource, ran);
  return `${ref}: ${status.message}`;
}

async function main() {
  const kubeconfig = process.argv[2];
  if (!kubeconfig) throw new Error('usage: seed.ts <kubeconfig>');
  const cluster = connect(kubeconfig);

  const crds = path.join(SHARED, 'kratix/crds');
  for (const file of fs.readdirSync(crds)) {
    for (const crd of readAll(path.join(crds, file))) {
      await cluster.objects.create(crd);
    }
  }

  const examples = path.join(REPO, 'examples/kratix');
  const promises = readAll(path.join(examples, 'promises.yaml')).map(p =>
    parsePromise(p),
  );
  for (const promise of promises) await installPromise(cluster, promise);

  const documents = readAll(path.join(examples, 'resources.yaml'));
  const isHealth = (d: KubernetesObject) =>
    d.apiVersion === KRATIX_API_VERSION && d.kind === 'HealthRecord';
  const health = documents.filter(isHealth);
  const records = health.map(r => parseHealthRecord(r));
  for (const record of health) {
    await retry(`HealthRecord ${record.metadata?.name}`, () =>
      cluster.custom.createNamespacedCustomObject({
        ...KRATIX,
        plural: 'healthrecords',
        namespace: record.metadata?.namespace ?? 'default',
        body: record,
      }),
    );
  }
  const lines: string[] = [];
  for (const resource of documents.filter(d => !isHealth(d))) {
    const promise = promises.find(
      p =>
        `${p.api?.group}/${p.api?.version}` === resource.apiVersion &&
        p.api?.kind === resource.kind,
    );
    if (!promise) {
      throw new Error(
        `No example Promise offers ${resource.apiVersion} ${resource.kind} (Resource ${resource.metadata?.name})`,
      );
    }
    lines.push(
      await requestResource(
        cluster,
        promise,
        resource as KratixResource,
        records,
      ),
    );
  }
  process.stdout.write(
    `Seeded ${promises.length} Promises, ${health.length} HealthRecords and ${
      lines.length
    } Resources:\n${lines.map(l => `  ${l}\n`).join('')}`,
  );
}

main().catch(e => {
  process.stderr.write(`seed: ${e instanceof Error ? e.message : e}\n`);
  process.exit(1);
});
