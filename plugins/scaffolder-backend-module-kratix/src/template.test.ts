import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { TestEngine, startEngine } from './__testUtils__/startEngine';
import kratixModules from './index';

jest.setTimeout(120_000);

const templatePath = path.resolve(
  __dirname,
  '../../../examples/kratix-template/template.yaml',
);

/** The example template, as the catalog would serve it from its file. */
function templateEntity() {
  const entity = yaml.parse(fs.readFileSync(templatePath, 'utf8'));
  entity.metadata.namespace = 'default';
  entity.metadata.annotations = {
    'backstage.io/managed-by-location': `file:${templatePath}`,
    'backstage.io/managed-by-origin-location': `file:${templatePath}`,
  };
  return entity;
}

function component(name: string) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', owner: 'guests', lifecycle: 'production' },
  };
}

describe('the example template', () => {
  let kratix: TestEngine;

  beforeAll(async () => {
    kratix = await startEngine({
      features: [
        scaffolderPlugin,
        kratixModules,
        // The component erin, as the catalog holds it once it has read what
        // the iam Promise's pipeline wrote to the backstage Destination.
        catalogServiceMock.factory({
          entities: [templateEntity(), component('erin')],
        }),
      ],
    });
  });
  afterAll(() => kratix.stop());

  it('offers the Kratix actions, with examples', async () => {
    const actions = await (await kratix.api('/scaffolder/v2/actions')).json();
    const kratixActions = actions.filter((a: any) =>
      /^kratix:(resource|catalog):/.test(a.id),
    );
    expect(kratixActions.map((a: any) => a.id).sort()).toEqual([
      'kratix:catalog:wait',
      'kratix:resource:delete',
      'kratix:resource:request',
      'kratix:resource:wait',
    ]);
    for (const action of kratixActions) {
      expect(action.examples.length).toBeGreaterThan(0);
      expect(yaml.parse(action.examples[0].example).steps[0].action).toBe(
        action.id,
      );
    }
  });

  it('runs in the real scaffolder and ends with a configured Resource', async () => {
    const created = await kratix.api('/scaffolder/v2/tasks', {
      method: 'POST',
      body: JSON.stringify({
        templateRef: 'template:default/kratix-iam-user',
        values: { name: 'erin', user: 'erin', owner: 'guests' },
      }),
    });
    expect(created.status).toBe(201);
    const { id } = await created.json();

    let task: any;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      task = await (await kratix.api(`/scaffolder/v2/tasks/${id}`)).json();
      if (!['open', 'processing'].includes(task.status)) break;
      await new Promise(r => setTimeout(r, 200));
    }
    const events = await (
      await kratix.api(`/scaffolder/v2/tasks/${id}/events`)
    ).json();
    const logs = events
      .filter((e: any) => e.type === 'log')
      .map((e: any) => e.body.message);
    if (task.status !== 'completed') {
      throw new Error(`Task ${task.status}:\n${logs.join('\n')}`);
    }

    const completion = events.find((e: any) => e.type === 'completion');
    expect(completion.body.output.text[0].content).toContain(
      '**iam/default/erin**: User erin created',
    );
    // Links only to what exists: the component, once in the catalog.
    expect(completion.body.output.links).toEqual([
      expect.objectContaining({ entityRef: 'component:default/erin' }),
      expect.objectContaining({
        url: '/catalog/default/component/erin/kratix',
      }),
    ]);
    expect(logs).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Created Resource iam/default/erin'),
        expect.stringContaining('Pipeline create-user Succeeded'),
        expect.stringContaining('component:default/erin is in the catalog'),
      ]),
    );

    const resource = await (
      await kratix.api('/kratix/promises/iam/resources/default/erin')
    ).json();
    expect(resource.status.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'ConfigureWorkflowCompleted',
          status: 'True',
        }),
      ]),
    );
    // The requester comes from the user's credentials, not the template.
    expect(resource.metadata.annotations).toEqual({
      'kratix.io/requested-by': 'user:default/mock',
      'kratix.io/owner': 'guests',
    });
  });

  it('in a dry run validates the spec and creates nothing', async () => {
    const response = await kratix.api('/scaffolder/v2/dry-run', {
      method: 'POST',
      body: JSON.stringify({
        template: templateEntity(),
        values: { name: 'frank', user: 'frank', owner: 'guests' },
        directoryContents: [],
      }),
    });
    expect(response.status).toBe(200);
    const result = await response.json();
    const logs = result.log.map((l: any) => l.body.message).join('\n');
    expect(logs).toContain(
      'Dry run: the spec of iam/default/frank is valid; the Resource would be created',
    );
    expect(
      (await kratix.api('/kratix/promises/iam/resources/default/frank')).status,
    ).toBe(404);
  });
});
