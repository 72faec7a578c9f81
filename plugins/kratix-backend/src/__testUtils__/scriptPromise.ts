/** A configure pipeline of one `sh -c` container. */
export interface ScriptPipeline {
  name: string;
  script: string;
}

/**
 * A Promise offering kind `Thing` (`test.kratix.io/v1`, spec free-form),
 * whose resource configure workflow runs the given shell scripts in order.
 * Every container gets `env` (e.g. the test's marker directory).
 */
export function scriptPromise(
  name: string,
  pipelines: ScriptPipeline[],
  env: Record<string, string> = {},
) {
  return {
    apiVersion: 'platform.kratix.io/v1alpha1',
    kind: 'Promise',
    metadata: { name },
    spec: {
      api: {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: `things.test.kratix.io` },
        spec: {
          group: 'test.kratix.io',
          names: { kind: 'Thing', plural: 'things', singular: 'thing' },
          scope: 'Namespaced',
          versions: [{ name: 'v1', served: true, storage: true }],
        },
      },
      workflows: {
        resource: {
          configure: pipelines.map(p => ({
            apiVersion: 'platform.kratix.io/v1alpha1',
            kind: 'Pipeline',
            metadata: { name: p.name },
            spec: {
              containers: [
                {
                  name: p.name,
                  image: `${p.name}:test`,
                  command: ['sh', '-c', p.script],
                  env: Object.entries(env).map(([k, value]) => ({
                    name: k,
                    value,
                  })),
                },
              ],
            },
          })),
        },
      },
    },
  };
}

/** The ConfigureWorkflowCompleted condition of a Resource, if any. */
export function configureCondition(resource: any) {
  return resource?.status?.conditions?.find(
    (c: any) => c.type === 'ConfigureWorkflowCompleted',
  );
}
