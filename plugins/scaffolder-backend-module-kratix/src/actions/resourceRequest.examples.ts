import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Request an IAM user from the `iam` Promise',
    example: yaml.stringify({
      steps: [
        {
          id: 'request',
          action: 'kratix:resource:request',
          name: 'Request IAM user',
          input: {
            promise: 'iam',
            name: '${{ parameters.name }}',
            namespace: 'default',
            spec: { user: '${{ parameters.user }}' },
            labels: { 'backstage.io/owner': '${{ parameters.owner }}' },
          },
        },
      ],
    }),
  },
];
