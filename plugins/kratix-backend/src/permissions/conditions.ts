// For policy authors: conditions on Kratix Resources.
import { createConditionExports } from '@backstage/plugin-permission-node';
import { kratixResourcePermissionResourceRef } from './resourceRef';
import { kratixResourceRules } from './rules';

const { conditions, createConditionalDecision } = createConditionExports({
  resourceRef: kratixResourcePermissionResourceRef,
  rules: kratixResourceRules,
});

/**
 * Conditions on Kratix Resources, for permission policies:
 * `isRequestedBy({ claims })`, `isInNamespace({ namespaces })`,
 * `hasPromise({ promises })`.
 *
 * @alpha
 */
export const kratixResourceConditions = conditions;

/**
 * A conditional decision on a Kratix Resource permission
 * (`kratix.resource.read`, `.delete`, `.reconcile`).
 *
 * @alpha
 */
export const createKratixResourceConditionalDecision =
  createConditionalDecision;
