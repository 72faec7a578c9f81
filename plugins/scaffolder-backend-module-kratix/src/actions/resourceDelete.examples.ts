import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Delete a Resource and wait until its delete workflow is done',
    example: yaml.stringify({
      steps: [
        {
          id: 'delete',
          action: 'kratix:resource:delete',
          name: 'Delete IAM user',
          input: {
            resourceRef: 'iam/default/alice',
            wait: true,
            timeout: '5m',
          },
        },
      ],
    }),
  },
];
