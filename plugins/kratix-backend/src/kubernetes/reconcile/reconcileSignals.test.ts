// Reconcile mode on one cluster, through the real plugin: refs need not
// name the cluster, so a Resource's changes are signalled on its plain
// channel (as the card on `<promise>/<namespace>/<name>` listens) and on
// the cluster's. Real kube-apiserver; only the node is played.
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { eventually } from '../../__testUtils__/startKratix';
import {
  apiPromiseYaml,
  reconcileFixture,
  resourceWorkflows,
  testApi,
} from '../__testUtils__/reconcileFixture';

jest.setTimeout(180_000);

const f = reconcileFixture({ name: 'signals', platformNamespace: true });
const GADGETS = testApi('gadgets');

const gadgetPromise = apiPromiseYaml(
  { name: 'gadget', kind: 'Gadget', plural: 'gadgets' },
  resourceWorkflows({
    configure: {
      done: `              - name: done
                image: done:v1
                command: [sh, -c, 'echo "message: done" > /kratix/metadata/status.yaml']`,
    },
  }),
);

const channels: string[] = [];

beforeAll(async () => {
  await f.cluster.apply(gadgetPromise);
  await f.startPlugin(
    {
      kubernetes: {
        mode: 'reconcile',
        clusters: [{ name: 'only', kubeconfig: f.cluster.kubeconfig }],
      },
    },
    [
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({
          publish: async (s: any) => void channels.push(s.channel),
        }),
      }),
    ],
  );
  await f.promiseAvailable('gadget');
});

it("signals a Resource's change on its plain channel and on its cluster's", async () => {
  await f.applyResource('Gadget', 'g');
  await eventually(async () => {
    const o = await f.read(GADGETS, 'g', 'default');
    return o?.status?.message === 'done' ? o : undefined;
  });
  const both = ['kratix:gadget:default:g', 'kratix:only:gadget:default:g'];
  await eventually(async () =>
    both.every(c => channels.includes(c)) ? true : undefined,
  ).catch(() => undefined);
  expect(channels).toEqual(expect.arrayContaining(both));
});
