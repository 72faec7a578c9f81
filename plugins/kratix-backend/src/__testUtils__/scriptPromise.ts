/** A pipeline of one `sh -c` container. */
export interface ScriptPipeline {
  name: string;
  script: string;
}

/** The workflows other than the Resource configure one. */
export interface ScriptWorkflows {
  promiseConfigure?: ScriptPipeline[];
  promiseDelete?: ScriptPipeline[];
  resourceDelete?: ScriptPipeline[];
}

function scriptPipelines(
  pipelines: ScriptPipeline[],
  env: Record<string, string>,
) {
  return pipelines.map(p => ({
    apiVersion: 'platform.kratix.io/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: p.name },
    spec: {
      containers: [
        {
          name: p.name,
          image: `${p.name}:test`,
          command: ['sh', '-c', p.script],
          env: Object.entries(env).map(([k, value]) => ({ name: k, value })),
        },
      ],
    },
  }));
}

/**
 * A Promise offering kind `Thing` (`test.kratix.io/v1`, spec free-form),
 * whose resource configure workflow runs the given shell scripts in order,
 * and its other workflows those in `workflows`. Every container gets `env`
 * (e.g. the test's marker directory).
 */
export function scriptPromise(
  name: string,
  pipelines: ScriptPipeline[],
  env: Record<string, string> = {},
  workflows: ScriptWorkflows = {},
) {
  const given = (actions: Record<string, ScriptPipeline[] | undefined>) =>
    Object.fromEntries(
      Object.entries(actions).flatMap(([action, list]) =>
        list ? [[action, scriptPipelines(list, env)]] : [],
      ),
    );
  const promise = given({
    configure: workflows.promiseConfigure,
    delete: workflows.promiseDelete,
  });
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
          configure: scriptPipelines(pipelines, env),
          ...given({ delete: workflows.resourceDelete }),
        },
        ...(Object.keys(promise).length > 0 && { promise }),
      },
    },
  };
}

/** The condition of the given type of an object, if any. */
export function condition(object: any, type: string) {
  return object?.status?.conditions?.find((c: any) => c.type === type);
}

/** The ConfigureWorkflowCompleted condition of an object, if any. */
export function configureCondition(object: any) {
  return condition(object, 'ConfigureWorkflowCompleted');
}

/** True when the object's configure workflow has completed. */
export function isConfigured(object: any): boolean {
  return configureCondition(object)?.status === 'True';
}
