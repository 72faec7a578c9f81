import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { mockBreakpoint, registerMswTestHooks } from '@backstage/test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  KratixPromise,
  KratixResource,
} from '@kratix-backstage/plugin-kratix-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { SWRConfig } from 'swr';
import {
  API,
  FakeSignalApi,
  entityWith,
  kratixClientApi,
  readyStatus,
  runningStatus,
  runs,
} from '../../__testUtils__/fixtures';
import { KratixPage } from './KratixPage';

function promise(name: string, kind: string, status?: object): KratixPromise {
  return {
    apiVersion: 'platform.kratix.io/v1alpha1',
    kind: 'Promise',
    metadata: { name },
    spec: {
      api: {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        spec: {
          group: 'marketplace.kratix.io',
          names: { kind },
          versions: [{ name: 'v1alpha1', served: true, storage: true }],
        },
      },
    },
    status: status as KratixPromise['status'],
  };
}

function failedStatus() {
  return {
    message: 'A Configure Pipeline has failed: backup',
    conditions: [
      {
        type: 'ConfigureWorkflowCompleted',
        status: 'False' as const,
        reason: 'ConfigureWorkflowFailed',
        message: 'A Configure Pipeline has failed: backup',
      },
      {
        type: 'Reconciled',
        status: 'False' as const,
        reason: 'ConfigureWorkflowFailed',
        message: 'Failing',
      },
    ],
  };
}

function named(
  name: string,
  namespace: string,
  status?: KratixResource['status'],
): KratixResource {
  return {
    apiVersion: 'marketplace.kratix.io/v1alpha1',
    kind: 'postgresql',
    metadata: { name, namespace, generation: 1 },
    status,
  };
}

/** Without HealthRecord: ready, nothing else. */
function readyWithoutHealth() {
  const { healthRecord, ...status } = readyStatus();
  return status;
}

const POSTGRES = [
  named('billing-db', 'team-b', readyStatus()),
  named('orders-db', 'default', failedStatus()),
  named('spare-db', 'team-b', readyWithoutHealth()),
];

function renderPage(path = '/kratix') {
  return renderInTestApp(
    <SWRConfig value={{ provider: () => new Map() }}>
      <KratixPage pollIntervalMs={0} />
    </SWRConfig>,
    {
      mountPath: '/kratix',
      initialRouteEntries: [path],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        kratixClientApi(),
        mockApis.permission({ authorize: () => AuthorizeResult.ALLOW }),
        [signalApiRef, new FakeSignalApi()],
        [
          catalogApiRef,
          catalogApiMock({
            entities: [
              {
                ...entityWith('postgresql/team-b/billing-db'),
                metadata: {
                  ...entityWith('postgresql/team-b/billing-db').metadata,
                  name: 'billing',
                },
              },
              entityWith(),
            ],
          }),
        ],
      ],
    },
  );
}

/** The Paper of a core-components Table, found by its title. */
async function tableTitled(title: RegExp | string) {
  return (await screen.findByText(title)).closest(
    '[class*="MuiPaper-root"]',
  ) as HTMLElement;
}

const resourcesTable = () => tableTitled(/^Resources \(/);

/** The rows of the Resources table, without its header. */
async function resourceRows() {
  return within(await resourcesTable())
    .getAllByRole('row')
    .filter(row => within(row).queryAllByRole('cell').length > 1);
}

describe('KratixPage', () => {
  // Material-table renders slowly in jsdom on a busy machine.
  jest.setTimeout(30_000);

  const server = setupServer();
  registerMswTestHooks(server);

  let pageRequests: string[];

  beforeEach(() => {
    pageRequests = [];
    server.use(
      // Embedded: no cluster to choose.
      http.get(`${API}/clusters`, () => HttpResponse.json({ items: [] })),
      http.get(`${API}/promises`, () =>
        HttpResponse.json({
          items: [
            promise('postgresql', 'postgresql', {
              status: 'Available',
              message: 'Promise available',
            }),
            promise('iam', 'IAM', {
              status: 'Unavailable',
              message: 'Requirements not installed',
            }),
          ],
        }),
      ),
      // One Resource per page, whatever the limit: the page must follow.
      http.get(`${API}/promises/postgresql/resources`, ({ request }) => {
        const url = new URL(request.url);
        pageRequests.push(url.search);
        const at = Number(url.searchParams.get('continue') ?? 0);
        return HttpResponse.json({
          items: [POSTGRES[at]],
          ...(at + 1 < POSTGRES.length && {
            metadata: { continue: String(at + 1) },
          }),
        });
      }),
      http.get(`${API}/promises/iam/resources`, () =>
        HttpResponse.json({
          items: [named('payments-user', 'default', runningStatus())],
        }),
      ),
    );
  });

  it('shows each Promise with its API, status, health and Resource counts', async () => {
    await renderPage();

    const promises = await tableTitled('Promises (2)');
    const postgres = within(promises)
      .getAllByText('postgresql')[0]
      .closest('tr')!;
    expect(postgres).toHaveTextContent(
      'postgresqlpostgresqlmarketplace.kratix.io/v1alpha1',
    );
    expect(postgres).toHaveTextContent('Promise available');
    expect(postgres).toHaveTextContent('3 (1 Failed, 2 Ready)');
    expect(
      within(postgres).getByLabelText('Health: Healthy'),
    ).toBeInTheDocument();
    const iam = within(promises).getByText('iam').closest('tr')!;
    expect(iam).toHaveTextContent('iamIAMmarketplace.kratix.io/v1alpha1');
    expect(iam).toHaveTextContent('Requirements not installed');
    expect(iam).toHaveTextContent('1 (1 In progress)');
    expect(iam).toHaveTextContent('No HealthRecords');

    expect(pageRequests).toEqual([
      '?limit=200',
      '?limit=200&continue=1',
      '?limit=200&continue=2',
    ]);
  });

  it('lists the Resources of every Promise, page after page, and filters them', async () => {
    await renderPage();

    expect(await screen.findByText('Resources (4)')).toBeInTheDocument();
    expect(await resourceRows()).toHaveLength(4);

    const choose = async (label: string, option: string) => {
      fireEvent.mouseDown(screen.getByLabelText(label));
      fireEvent.click(
        within(await screen.findByRole('listbox')).getByText(option),
      );
    };

    await choose('Promise', 'postgresql');
    expect(await screen.findByText('Resources (3 of 4)')).toBeInTheDocument();

    await choose('Namespace', 'team-b');
    expect(await screen.findByText('Resources (2 of 4)')).toBeInTheDocument();

    await choose('Health', 'Healthy');
    expect(await screen.findByText('Resources (1 of 4)')).toBeInTheDocument();
    expect((await resourceRows())[0]).toHaveTextContent('billing-db');

    await choose('Health', 'Any');
    await choose('Namespace', 'Any');
    await choose('Condition', 'ConfigureWorkflowCompleted: False');
    expect(await screen.findByText('Resources (1 of 4)')).toBeInTheDocument();
    const [failed] = await resourceRows();
    expect(failed).toHaveTextContent('orders-db');
    expect(failed).toHaveTextContent('Failed');
    expect(failed).toHaveTextContent('ConfigureWorkflowCompleted: False');
  });

  it('sorts by a column when its header is clicked', async () => {
    await renderPage();
    await screen.findByText('Resources (4)');
    const names = async () =>
      (await resourceRows()).map(row => within(row).getAllByRole('cell')[0]);

    const stateHeader = async () =>
      within(await resourcesTable()).getAllByRole('button', {
        name: 'State',
      })[0];
    fireEvent.click(await stateHeader());
    await waitFor(async () =>
      expect((await names())[0]).toHaveTextContent('orders-db'),
    );
    fireEvent.click(await stateHeader());
    await waitFor(async () =>
      expect((await names())[3]).toHaveTextContent('orders-db'),
    );
  });

  it('links a Resource to the entity that names it, else to its own view', async () => {
    await renderPage();
    await screen.findByText('Resources (4)');

    await waitFor(() =>
      expect(
        screen.getByRole('link', {
          name: /billing-db, in the catalog as billing/,
        }),
      ).toHaveAttribute('href', '/catalog/default/component/billing'),
    );
    expect(screen.getByRole('link', { name: 'orders-db' })).toHaveAttribute(
      'href',
      '/kratix/resources/postgresql/default/orders-db',
    );
  });

  it("shows a Resource's status, runs and logs on its own view", async () => {
    const url = `${API}/promises/postgresql/resources/default/orders-db`;
    server.use(
      http.get(url, () => HttpResponse.json(POSTGRES[1])),
      http.get(`${url}/runs`, () => HttpResponse.json({ items: runs() })),
      http.get(`${url}/runs/:run/logs`, ({ params }) =>
        HttpResponse.json({
          items: [
            {
              pipeline: 'backup',
              container: 'main',
              log: `log of ${params.run}`,
              truncated: false,
            },
          ],
        }),
      ),
    );
    await renderPage('/kratix/resources/postgresql/default/orders-db');

    expect(
      (await screen.findAllByText('A Configure Pipeline has failed: backup'))
        .length,
    ).toBeGreaterThan(0);
    expect(await screen.findByText('Workflow runs')).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { level: 1, name: 'orders-db' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'All Promises and Resources' }),
    ).toHaveAttribute('href', '/kratix');
  });

  it('says why when the Promises cannot be read', async () => {
    server.use(
      http.get(`${API}/promises`, () =>
        HttpResponse.json(
          { error: { name: 'NotAllowedError', message: 'Not allowed' } },
          { status: 403 },
        ),
      ),
    );
    await renderPage();
    expect(
      await screen.findByText(/Could not read the Kratix Promises/),
    ).toBeInTheDocument();
    expect(screen.getByText(/Not allowed/)).toBeInTheDocument();
  });

  it('stacks the Resources as a list on a phone', async () => {
    mockBreakpoint({ matches: true });
    await renderPage();
    const list = await screen.findByRole('list', { name: 'Resources' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(4);
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  describe('with several clusters', () => {
    /** Each cluster has one Promise with one Resource named after it. */
    let asked: string[];
    beforeEach(() => {
      asked = [];
      server.use(
        http.get(`${API}/clusters`, () =>
          HttpResponse.json({ items: [{ name: 'prod' }, { name: 'staging' }] }),
        ),
        http.get(`${API}/clusters/:cluster/promises`, ({ params }) => {
          asked.push(String(params.cluster));
          return HttpResponse.json({
            items: [promise('postgresql', 'postgresql')],
          });
        }),
        http.get(
          `${API}/clusters/:cluster/promises/postgresql/resources`,
          ({ params }) =>
            HttpResponse.json({
              items: [named(`${params.cluster}-db`, 'default', readyStatus())],
            }),
        ),
      );
    });

    it('reads the first cluster, and the one picked, which links keep', async () => {
      await renderPage();
      const picker = await screen.findByRole('button', { name: /Cluster/ });
      expect(picker).toHaveTextContent('prod');
      expect(
        await screen.findByRole('link', { name: 'prod-db' }),
      ).toHaveAttribute(
        'href',
        '/kratix/resources/postgresql/default/prod-db?cluster=prod',
      );

      fireEvent.mouseDown(picker);
      fireEvent.click(await screen.findByRole('option', { name: 'staging' }));
      expect(
        await screen.findByRole('link', { name: 'staging-db' }),
      ).toHaveAttribute(
        'href',
        '/kratix/resources/postgresql/default/staging-db?cluster=staging',
      );
      expect(screen.queryByRole('link', { name: 'prod-db' })).toBeNull();
      expect(asked).toEqual(['prod', 'staging']);
      expect(
        screen.getByText(
          'Promises and the Resources requested from them on cluster staging',
        ),
      ).toBeInTheDocument();
    });

    it('takes the cluster from the URL, on the page and on a Resource view', async () => {
      await renderPage('/kratix?cluster=staging');
      expect(
        await screen.findByRole('button', { name: /Cluster/ }),
      ).toHaveTextContent('staging');
      await screen.findByRole('link', { name: 'staging-db' });
      expect(asked).toEqual(['staging']);

      const url = `${API}/clusters/staging/promises/postgresql/resources/default/staging-db`;
      server.use(
        http.get(url, () =>
          HttpResponse.json(named('staging-db', 'default', readyStatus())),
        ),
        http.get(`${url}/runs`, () => HttpResponse.json({ items: [] })),
      );
      fireEvent.click(screen.getByRole('link', { name: 'staging-db' }));
      expect(
        await screen.findByText(
          'Kratix Resource of Promise postgresql in namespace default on cluster staging',
        ),
      ).toBeInTheDocument();
      expect(
        await screen.findByRole('link', { name: 'All Promises and Resources' }),
      ).toHaveAttribute('href', '/kratix?cluster=staging');
    });
  });

  it('offers no cluster to pick when the backend has only one', async () => {
    server.use(
      http.get(`${API}/clusters`, () =>
        HttpResponse.json({ items: [{ name: 'only' }] }),
      ),
    );
    await renderPage();
    await screen.findByText('Resources (4)');
    expect(screen.queryByRole('button', { name: /Cluster/ })).toBeNull();
    expect(screen.getByRole('link', { name: 'orders-db' })).toHaveAttribute(
      'href',
      '/kratix/resources/postgresql/default/orders-db',
    );
  });
});
