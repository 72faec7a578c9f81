import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Wait for the component a Promise's pipeline registers, then link to it",
    example: yaml.stringify({
      steps: [
        {
          id: 'catalog',
          action: 'kratix:catalog:wait',
          name: 'Wait for the component in the catalog',
          input: {
            entityRef: 'component:default/${{ parameters.name }}',
            timeout: '2m',
          },
        },
      ],
      output: {
        links: [
          {
            title: 'Open the component',
            entityRef: "${{ steps['catalog'].output.entityRef }}",
          },
          {
            title: 'Open its Kratix tab',
            url: "${{ steps['catalog'].output.kratixUrl }}",
          },
        ],
      },
    }),
  },
];
