import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import { kratixResourceDeletePermission } from '@kratix-backstage/plugin-kratix-common';
import {
  createKratixResourceConditionalDecision,
  kratixResourceConditions,
} from './conditions';
import { kratixResourceRules } from './rules';
import { entry } from './rules/testEntry';

describe('kratixResourceConditions', () => {
  it('makes conditional decisions that the rules evaluate', () => {
    const decision = createKratixResourceConditionalDecision(
      kratixResourceDeletePermission,
      {
        allOf: [
          kratixResourceConditions.isRequestedBy({
            claims: ['user:default/ada'],
          }),
          { not: kratixResourceConditions.hasPromise({ promises: ['vault'] }) },
        ],
      },
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'kratix',
      resourceType: 'kratix-resource',
      conditions: {
        allOf: [
          {
            rule: 'IS_REQUESTED_BY',
            resourceType: 'kratix-resource',
            params: { claims: ['user:default/ada'] },
          },
          {
            not: {
              rule: 'HAS_PROMISE',
              resourceType: 'kratix-resource',
              params: { promises: ['vault'] },
            },
          },
        ],
      },
    });
    const authorized = createConditionAuthorizer(
      Object.values(kratixResourceRules),
    );
    const ada = { 'kratix.io/requested-by': 'user:default/ada' };
    expect(authorized(decision, entry({ annotations: ada }))).toBe(true);
    expect(
      authorized(decision, entry({ annotations: ada, promise: 'vault' })),
    ).toBe(false);
    expect(authorized(decision, entry())).toBe(false);
  });
});
