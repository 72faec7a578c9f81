import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { mockBreakpoint, registerMswTestHooks } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { SWRConfig } from 'swr';
import {
  FakeSignalApi,
  RESOURCE_URL,
  entityWith,
  kratixClientApi,
  readyStatus,
  resource,
  runs,
} from '../../__testUtils__/fixtures';
import { EntityKratixContent } from './EntityKratixContent';

const CHANNEL = 'kratix:postgres:team-a:orders-db';

function renderTab(
  options: {
    annotation?: string;
    authorize?: (request?: {
      permission: { name: string };
      resourceRef?: string;
    }) => AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    signals?: FakeSignalApi;
    logFollowIntervalMs?: number;
  } = {},
) {
  const authorize = options.authorize ?? (() => AuthorizeResult.ALLOW);
  // A fresh cache per test, so usePermission answers are not shared.
  return renderInTestApp(
    <SWRConfig value={{ provider: () => new Map() }}>
      <EntityProvider
        entity={entityWith(options.annotation ?? 'postgres/team-a/orders-db')}
      >
        <EntityKratixContent
          logFollowIntervalMs={options.logFollowIntervalMs}
        />
      </EntityProvider>
    </SWRConfig>,
    {
      apis: [
        kratixClientApi(),
        mockApis.permission({ authorize }),
        [signalApiRef, options.signals ?? new FakeSignalApi()],
      ],
    },
  );
}

describe('EntityKratixContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  let logRequests: string[];
  let reconciles: number;

  beforeEach(() => {
    logRequests = [];
    reconciles = 0;
    server.use(
      http.get(RESOURCE_URL, () => HttpResponse.json(resource(readyStatus()))),
      http.get(`${RESOURCE_URL}/runs`, () =>
        HttpResponse.json({ items: runs() }),
      ),
      http.get(`${RESOURCE_URL}/runs/:run/logs`, ({ params }) => {
        logRequests.push(String(params.run));
        return HttpResponse.json({
          items: [
            {
              pipeline: 'create-user',
              container: 'main',
              log: `log line of ${params.run}\nsecond line`,
              truncated: params.run === 'run-2',
            },
          ],
        });
      }),
      http.post(`${RESOURCE_URL}/reconcile`, () => {
        reconciles += 1;
        return new HttpResponse(null, { status: 202 });
      }),
    );
  });

  it('hides Reconcile now from users without the reconcile permission', async () => {
    const authorize = jest.fn(
      (_request?: { permission: { name: string } }) =>
        AuthorizeResult.DENY as AuthorizeResult.DENY,
    );
    renderTab({ authorize });

    expect(
      await screen.findByText('Resource provisioned with database size 10Gb'),
    ).toBeInTheDocument();
    await waitFor(() => expect(authorize).toHaveBeenCalled());
    expect(authorize.mock.calls[0][0]?.permission.name).toBe(
      'kratix.resource.reconcile',
    );
    await act(async () => {});
    expect(
      screen.queryByRole('button', { name: 'Reconcile now' }),
    ).not.toBeInTheDocument();
  });

  it('asks about this Resource: Reconcile now shows where the policy allows it', async () => {
    // A policy with conditions: this user may reconcile this Resource only.
    const authorize = jest.fn((request?: { resourceRef?: string }) =>
      request?.resourceRef === 'postgres/team-a/orders-db'
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    );
    renderTab({ authorize });
    expect(
      await screen.findByRole('button', { name: 'Reconcile now' }),
    ).toBeInTheDocument();
    expect(authorize.mock.calls[0][0]).toMatchObject({
      permission: { name: 'kratix.resource.reconcile' },
      resourceRef: 'postgres/team-a/orders-db',
    });
  });

  it('shows the full status as YAML with a copy button', async () => {
    renderTab();

    const yamlCard = (await screen.findByText('Status (YAML)')).closest(
      '.MuiCard-root',
    ) as HTMLElement;
    await waitFor(() =>
      expect(yamlCard).toHaveTextContent('message: Resource provisioned'),
    );
    expect(yamlCard).toHaveTextContent('host: example.com');
    expect(yamlCard).toHaveTextContent('type: ConfigureWorkflowCompleted');
    expect(yamlCard).toHaveTextContent('observedGeneration: 2');
    expect(
      within(yamlCard).getByRole('button', { name: /copy/i }),
    ).toBeInTheDocument();
  });

  it('masks secrets in the YAML and in the logs with the card’s rule', async () => {
    server.use(
      http.get(`${RESOURCE_URL}/runs/:run/logs`, () =>
        HttpResponse.json({
          items: [
            {
              pipeline: 'create-user',
              container: 'main',
              log: 'PASSWORD=topsecret1\necho s3cr3t-value\npasswordSecretName: db-creds\n',
            },
          ],
        }),
      ),
    );
    renderTab();

    const yamlCard = (await screen.findByText('Status (YAML)')).closest(
      '.MuiCard-root',
    ) as HTMLElement;
    await waitFor(() =>
      expect(yamlCard).toHaveTextContent('password: ••••••••'),
    );
    expect(yamlCard).toHaveTextContent('user: admin');
    expect(yamlCard).not.toHaveTextContent('s3cr3t-value');

    const log = await screen.findByLabelText('Logs of create-user / main');
    await waitFor(() => expect(log).toHaveTextContent('PASSWORD=••••••••'));
    expect(log).toHaveTextContent('echo ••••••••');
    expect(log).toHaveTextContent('passwordSecretName: db-creds');
    expect(log).not.toHaveTextContent('topsecret1');
    expect(log).not.toHaveTextContent('s3cr3t-value');
  });

  it('shows logs in an accessible log view: ANSI colours, search, line numbers, download', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i + 1}`);
    lines[198] = '\u001b[31mred error\u001b[0m';
    server.use(
      http.get(`${RESOURCE_URL}/runs/:run/logs`, () =>
        HttpResponse.json({
          items: [
            {
              pipeline: 'create-user',
              container: 'main',
              log: lines.join('\n'),
            },
          ],
        }),
      ),
    );
    renderTab();

    const log = await screen.findByRole('log', {
      name: 'Logs of create-user / main',
    });
    await waitFor(() => expect(log).toHaveTextContent('line 200'));
    // ANSI colours become colour, not escape codes
    expect(within(log).getByText('red error')).toHaveStyle({
      color: 'rgb(205, 49, 49)',
    });
    expect(log).not.toHaveTextContent('[31m');
    const tools = screen.getByRole('group', {
      name: 'Search, follow and download: Logs of create-user / main',
    });
    expect(
      within(tools).getByRole('textbox', { name: /^Search the logs/ }),
    ).toBeInTheDocument();
    expect(
      within(tools).getByRole('button', { name: 'Download the log' }),
    ).toBeInTheDocument();
    // numbered lines
    expect(log.querySelector('[data-line="200"]')).toHaveTextContent(
      /^200line 200$/,
    );
  });

  it('puts the YAML copy button in its own row, never over the text', async () => {
    renderTab();

    const yamlCard = (await screen.findByText('Status (YAML)')).closest(
      '.MuiCard-root',
    ) as HTMLElement;
    await waitFor(() =>
      expect(yamlCard).toHaveTextContent('message: Resource provisioned'),
    );
    const button = within(yamlCard).getByRole('button', { name: /copy/i });
    const toolbar = button.closest('[data-testid="yaml-toolbar"]');
    expect(toolbar).not.toBeNull();
    expect(toolbar).not.toHaveTextContent('message:');
  });

  describe('below the sm breakpoint', () => {
    const original = window.matchMedia;
    beforeEach(() => mockBreakpoint({ matches: true }));
    afterEach(() => {
      window.matchMedia = original;
    });

    it('shows runs and conditions as stacked blocks, one per row', async () => {
      renderTab();

      const runList = await screen.findByRole('list', {
        name: 'Workflow runs',
      });
      expect(screen.queryByRole('table', { name: 'Workflow runs' })).toBeNull();
      expect(screen.queryByRole('table', { name: 'Conditions' })).toBeNull();
      const blocks = within(runList).getAllByRole('listitem');
      expect(blocks).toHaveLength(2);
      expect(blocks[0]).toHaveTextContent('resource configure');
      expect(blocks[0]).toHaveTextContent('TriggerSpec changeGeneration2');
      // the pipelines sit inside their run's block, labelled
      expect(blocks[0]).toHaveTextContent('create-user');
      expect(blocks[0]).toHaveTextContent('Exit code');
      expect(
        within(blocks[0]).getByText('container main exited with 3'),
      ).toBeInTheDocument();
      // an older run: its trigger is not known
      expect(blocks[1]).toHaveTextContent('Trigger—Generation1');
      expect(blocks[1]).not.toHaveTextContent('create-user');

      const conditions = screen.getByRole('list', { name: 'Conditions' });
      const first = within(conditions).getAllByRole('listitem')[0];
      expect(first).toHaveTextContent('ConfigureWorkflowCompleted');
      expect(within(first).getByText('Reason')).toBeInTheDocument();
    });
  });

  it('lists the workflow runs with each pipeline’s phase, duration and exit code', async () => {
    renderTab();

    const table = await screen.findByRole('table', { name: 'Workflow runs' });
    const rows = within(table).getAllByRole('row').slice(1);
    const cell = (row: number, column: number) =>
      (rows[row] as HTMLTableRowElement).cells[column].textContent;
    expect(rows[0]).toHaveTextContent('resource configure');
    expect(rows[0]).toHaveTextContent('run-2');
    expect([cell(0, 1), cell(0, 2)]).toEqual(['Spec change', '2']);
    expect(rows[0]).toHaveTextContent('Failed');
    expect(rows[0]).toHaveTextContent('1m 05s');
    expect(rows[1]).toHaveTextContent('create-db');
    expect(rows[1]).toHaveTextContent('Succeeded');
    expect(rows[1]).toHaveTextContent('42s');
    // the exit code column says just the code
    expect(cell(1, 6)).toBe('0');
    expect(rows[1]).not.toHaveTextContent('exit');
    expect(rows[2]).toHaveTextContent('create-user');
    expect(rows[2]).toHaveTextContent('23s');
    expect(cell(2, 6)).toBe('3');
    // every column has a header
    const headers = within(table).getAllByRole('columnheader');
    expect(headers.every(h => h.textContent!.trim() !== '')).toBe(true);
    // the shown run's logs: plain text at full contrast, not a disabled button
    expect(
      screen.getByLabelText('Logs of run run-2 are shown below'),
    ).toHaveTextContent('Logs shown');
    expect(
      within(table)
        .queryAllByRole('button')
        .filter(b => (b as HTMLButtonElement).disabled),
    ).toHaveLength(0);
    expect(rows[2]).toHaveTextContent('container main exited with 3');
    expect([cell(3, 1), cell(3, 2)]).toEqual(['—', '1']);
  });

  it('shows the logs of the newest run, and of the run the user picks', async () => {
    renderTab();

    expect(await screen.findByText('Logs of run run-2')).toBeInTheDocument();
    const log = await screen.findByLabelText('Logs of create-user / main');
    expect(log).toHaveTextContent('log line of run-2');
    expect(
      screen.getByText('The log was cut at the size limit.'),
    ).toBeInTheDocument();

    fireEvent.click(
      screen.getByRole('button', { name: 'Show logs of run run-1' }),
    );
    expect(await screen.findByText('Logs of run run-1')).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.getByLabelText('Logs of create-user / main'),
      ).toHaveTextContent('log line of run-1'),
    );
    expect(logRequests).toEqual(['run-2', 'run-1']);
  });

  it('reloads runs and logs when a signal arrives', async () => {
    const signals = new FakeSignalApi();
    let runCalls = 0;
    server.use(
      http.get(`${RESOURCE_URL}/runs`, () => {
        runCalls += 1;
        const items = runs();
        if (runCalls > 1) {
          items.unshift({
            ...items[0],
            id: 'run-3',
            phase: 'Running',
            pipelines: [],
          });
        }
        return HttpResponse.json({ items });
      }),
    );
    renderTab({ signals });

    expect(await screen.findByText('Logs of run run-2')).toBeInTheDocument();
    signals.publish(CHANNEL, {
      resourceVersion: '12',
      status: { ...readyStatus(), message: 'Reconciling' } as any,
    });

    expect(
      await screen.findByText('Reconciling', { selector: 'p' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Logs of run run-3', undefined, {
        timeout: 1000,
      }),
    ).toBeInTheDocument();
    await waitFor(() => expect(logRequests).toContain('run-3'));
  });

  it('follows the logs of a running run, and stops when it has finished', async () => {
    let phase: 'Running' | 'Succeeded' = 'Running';
    let reads = 0;
    server.use(
      http.get(`${RESOURCE_URL}/runs`, () =>
        HttpResponse.json({
          items: [{ ...runs()[0], id: 'run-3', phase, pipelines: [] }],
        }),
      ),
      http.get(`${RESOURCE_URL}/runs/:run/logs`, () => {
        reads += 1;
        return HttpResponse.json({
          items: [
            {
              pipeline: 'create-user',
              container: 'main',
              log: `line ${reads}`,
              truncated: false,
            },
          ],
        });
      }),
    );
    const signals = new FakeSignalApi();
    renderTab({ logFollowIntervalMs: 50, signals });

    const block = () => screen.getByLabelText('Logs of create-user / main');
    await waitFor(() => expect(block()).toHaveTextContent('line 3'), {
      timeout: 2000,
    });

    // The run ends: the next status signal reloads the runs.
    phase = 'Succeeded';
    signals.publish(CHANNEL, {
      resourceVersion: '13',
      status: readyStatus() as any,
    });
    const pause = (ms: number) =>
      act(() => new Promise(resolve => setTimeout(resolve, ms)));
    await pause(300);
    const afterEnd = reads;
    await pause(300);
    expect(reads).toBe(afterEnd);
    expect(block()).toHaveTextContent(`line ${afterEnd}`);
  });

  it('requests a reconcile for users allowed to', async () => {
    renderTab();

    const button = await screen.findByRole('button', { name: 'Reconcile now' });
    fireEvent.click(button);

    expect(await screen.findByText('Reconcile requested')).toBeInTheDocument();
    expect(reconciles).toBe(1);
  });

  it('clears "Reconcile requested" when the new run starts', async () => {
    const signals = new FakeSignalApi();
    let runCalls = 0;
    server.use(
      http.get(`${RESOURCE_URL}/runs`, () => {
        runCalls += 1;
        const items = runs();
        if (runCalls > 2) {
          items.unshift({ ...items[0], id: 'run-3', phase: 'Running' });
        }
        return HttpResponse.json({ items });
      }),
    );
    renderTab({ signals });

    fireEvent.click(
      await screen.findByRole('button', { name: 'Reconcile now' }),
    );
    expect(await screen.findByText('Reconcile requested')).toBeInTheDocument();
    await waitFor(() => expect(runCalls).toBe(2));
    expect(screen.getByText('Reconcile requested')).toBeInTheDocument();

    signals.publish(CHANNEL, { resourceVersion: '12' });
    expect(await screen.findByText('Logs of run run-3')).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.queryByText('Reconcile requested')).toBeNull(),
    );
  });

  it('says why a reconcile failed', async () => {
    server.use(
      http.post(`${RESOURCE_URL}/reconcile`, () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'engine is busy' },
            response: { statusCode: 500 },
          },
          { status: 500 },
        ),
      ),
    );
    renderTab();

    fireEvent.click(
      await screen.findByRole('button', { name: 'Reconcile now' }),
    );
    expect(
      await screen.findByText('Could not request a reconcile: engine is busy'),
    ).toBeInTheDocument();
  });

  it('says so when a reconcile is refused', async () => {
    server.use(
      http.post(`${RESOURCE_URL}/reconcile`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'not yours' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    renderTab();

    fireEvent.click(
      await screen.findByRole('button', { name: 'Reconcile now' }),
    );
    expect(
      await screen.findByText(
        'You are not allowed to reconcile postgres/team-a/orders-db: not yours',
      ),
    ).toBeInTheDocument();
    expect(reconciles).toBe(0);
  });

  it('explains a missing Resource instead of the tab', async () => {
    server.use(
      http.get(RESOURCE_URL, () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'gone' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    renderTab();

    expect(
      await screen.findByText(
        /Kratix has no Resource postgres\/team-a\/orders-db/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText('Workflow runs')).not.toBeInTheDocument();
  });

  it('says when no workflow has run yet', async () => {
    server.use(
      http.get(`${RESOURCE_URL}/runs`, () => HttpResponse.json({ items: [] })),
    );
    renderTab();

    expect(
      await screen.findByText('No workflow has run for this Resource yet.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Select a run to see its logs.'),
    ).toBeInTheDocument();
  });

  it('asks for the annotation when the entity has none', async () => {
    renderTab({ annotation: ' ' });
    expect(await screen.findByText(/Missing Annotation/i)).toBeInTheDocument();
  });
});
