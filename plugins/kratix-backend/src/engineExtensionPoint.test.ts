// A backend module gives the embedded engine its own pipeline runner and
// state store through the alpha extension point; the engine uses them.
import request from 'supertest';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { createTestDatabases } from './database/__testUtils__/databases';
import { eventually, startKratix } from './__testUtils__/startKratix';
import { putIamPromise } from './__testUtils__/iamPromise';
import {
  OutputFile,
  PipelineRunner,
  StateStore,
  kratixEngineExtensionPoint,
} from './alpha';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const alice = '/api/kratix/promises/iam/resources/default/alice';

function moduleParts() {
  const ran: string[] = [];
  const written: Array<{ destination: string; workloadPath: string }> = [];
  const runner: PipelineRunner = {
    run: async r => {
      ran.push(r.pipeline.name);
      return {
        succeeded: true,
        exitCode: 0,
        outputs: {
          statusFile: Buffer.from('message: ran by the module\n'),
          files: r.collectOutputs
            ? [{ path: 'hello.yaml', content: Buffer.from('hello: 1\n') }]
            : [],
        },
      };
    },
  };
  const stateStore: StateStore = {
    writeWorkload: async (o: {
      destination: string;
      workloadPath: string;
      files: OutputFile[];
    }) => {
      written.push({
        destination: o.destination,
        workloadPath: o.workloadPath,
      });
    },
    deleteWorkload: async () => {},
  };
  const module = createBackendModule({
    pluginId: 'kratix',
    moduleId: 'test-engine-parts',
    register(env) {
      env.registerInit({
        deps: { engine: kratixEngineExtensionPoint },
        async init({ engine }) {
          engine.setPipelineRunner(runner);
          engine.setStateStore(stateStore);
        },
      });
    },
  });
  return { module, ran, written };
}

describe.each(databases.eachSupportedId())(
  'engine extension point on %p',
  id => {
    it("runs the pipelines with a module's runner and writes to its state store", async () => {
      const { module, ran, written } = moduleParts();
      const { server, stop, markers } = await startKratix(databases, id, {
        features: [module],
      });
      try {
        await putIamPromise(server, markers);
        await request(server)
          .put(alice)
          .send({ spec: { user: 'ada' } })
          .expect(201);
        const done = await eventually(async () => {
          const res = await request(server).get(alice);
          return res.body.status?.observedGeneration === 1
            ? res.body
            : undefined;
        });
        expect(done.status.message).toBe('ran by the module');
        expect(ran).toEqual(['create-user', 'populate-vault']);
        expect(written).toEqual([
          {
            destination: 'local',
            workloadPath: 'resources/default/iam/alice/create-user/5058f',
          },
          {
            destination: 'local',
            workloadPath: 'resources/default/iam/alice/populate-vault/5058f',
          },
        ]);
      } finally {
        await stop();
      }
    });

    it('refuses a second pipeline runner, naming it', async () => {
      const second = createBackendModule({
        pluginId: 'kratix',
        moduleId: 'second-runner',
        register(env) {
          env.registerInit({
            deps: { engine: kratixEngineExtensionPoint },
            async init({ engine }) {
              engine.setPipelineRunner({
                run: async () => ({ succeeded: false, exitCode: 1 }),
              });
            },
          });
        },
      });
      await expect(
        startKratix(databases, id, {
          features: [moduleParts().module, second],
        }),
      ).rejects.toThrow(
        'Another module already set the Kratix pipeline runner',
      );
    });
  },
);
