import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Wait for the Resource a previous step requested',
    example: yaml.stringify({
      steps: [
        {
          id: 'wait',
          action: 'kratix:resource:wait',
          name: 'Wait for the pipelines',
          input: {
            resourceRef: "${{ steps['request'].output.resourceRef }}",
            timeout: '5m',
          },
        },
      ],
    }),
  },
  {
    description: 'Wait for a Resource to be reconciled, up to 90 seconds',
    example: yaml.stringify({
      steps: [
        {
          id: 'wait',
          action: 'kratix:resource:wait',
          name: 'Wait until reconciled',
          input: {
            resourceRef: 'iam/default/alice',
            condition: 'Reconciled',
            timeout: 90,
          },
        },
      ],
    }),
  },
];
