// The Roles a pipeline's `rbac.permissions` ask for, bound to its
// ServiceAccount, as upstream: a permission with `resourceNamespace: '*'`
// is cluster-wide, one with a namespace is a Role there, and one without
// is a Role in the pipeline's own namespace.
import {
  V1ClusterRole,
  V1ClusterRoleBinding,
  V1PolicyRule,
  V1Role,
  V1RoleBinding,
} from '@kubernetes/client-node';
import { PipelineRunRequest } from '../../engine/interfaces';
import { JobLabels } from '../pipelineJobs';
import {
  pipelineNamespace,
  PodPipelineOptions,
  serviceAccountName,
} from './podPipeline';

type Permission = V1PolicyRule & { resourceNamespace?: string };

export interface PipelineRbac {
  roles: V1Role[];
  roleBindings: V1RoleBinding[];
  clusterRoles: V1ClusterRole[];
  clusterRoleBindings: V1ClusterRoleBinding[];
}

/** The RBAC objects of a pipeline's `rbac.permissions`; none without. Pure. */
export function pipelineRbac(
  request: Pick<PipelineRunRequest, 'env' | 'pipeline'>,
  options: PodPipelineOptions,
): PipelineRbac {
  const rbac = request.pipeline.pod?.rbac as
    | { permissions?: Permission[] }
    | undefined;
  const result: PipelineRbac = {
    roles: [],
    roleBindings: [],
    clusterRoles: [],
    clusterRoleBindings: [],
  };
  const account = serviceAccountName(request.pipeline, request.env);
  const home = pipelineNamespace(request.env, options);
  const labels = { [JobLabels.promise]: request.env.KRATIX_PROMISE_NAME };
  const subjects = [{ kind: 'ServiceAccount', name: account, namespace: home }];
  const byNamespace = new Map<string, V1PolicyRule[]>();
  for (const { resourceNamespace, ...rule } of rbac?.permissions ?? []) {
    const ns = resourceNamespace || home;
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), rule]);
  }
  for (const [ns, rules] of byNamespace) {
    if (ns === '*') {
      const name = `${account}-${home}`;
      result.clusterRoles.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name, labels },
        rules,
      });
      result.clusterRoleBindings.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name, labels },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name,
        },
        subjects,
      });
      continue;
    }
    const name = ns === home ? account : `${account}-${home}`;
    result.roles.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name, namespace: ns, labels },
      rules,
    });
    result.roleBindings.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name, namespace: ns, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects,
    });
  }
  return result;
}
