import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { registerMswTestHooks } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { KratixStatus } from '@kratix-backstage/plugin-kratix-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  FakeSignalApi,
  RESOURCE_URL,
  TRANSITION,
  entityWith,
  kratixClientApi,
  readyStatus,
  resource,
  runningStatus,
  runs,
} from '../../__testUtils__/fixtures';
import { exactTime } from '../ResourceStatus/RelativeTime';
import { EntityKratixStatusCard } from './EntityKratixStatusCard';

const ANNOTATION = 'postgres/team-a/orders-db';

const errorBody = (statusCode: number, name: string, message: string) =>
  HttpResponse.json(
    { error: { name, message }, response: { statusCode } },
    { status: statusCode },
  );

function renderCard(
  annotation: string | undefined = ANNOTATION,
  options: { signals?: FakeSignalApi; pollIntervalMs?: number } = {},
) {
  const card = (
    <EntityProvider entity={entityWith(annotation)}>
      <EntityKratixStatusCard pollIntervalMs={options.pollIntervalMs} />
    </EntityProvider>
  );
  // Without a signals API the card must fall back to polling.
  return options.signals
    ? renderInTestApp(card, {
        apis: [kratixClientApi(), [signalApiRef, options.signals]],
      })
    : renderInTestApp(card, { apis: [kratixClientApi()] });
}

describe('EntityKratixStatusCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('asks for the annotation when the entity has none', async () => {
    renderCard('');
    expect(await screen.findByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(
      screen.getAllByText(/kratix\.io\/resource-ref/).length,
    ).toBeGreaterThan(0);
  });

  it('shows progress while the Resource loads', async () => {
    server.use(http.get(RESOURCE_URL, () => new Promise<Response>(() => {})));
    renderCard();
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    expect(screen.getByText('postgres/team-a/orders-db')).toBeInTheDocument();
  });

  it('shows message, health, conditions and the pipelines’ status keys', async () => {
    server.use(
      http.get(RESOURCE_URL, () => HttpResponse.json(resource(readyStatus()))),
    );
    renderCard();

    expect(
      await screen.findByText('Resource provisioned with database size 10Gb'),
    ).toBeInTheDocument();
    // neither paused nor being deleted
    expect(screen.queryByText('Paused')).toBeNull();
    expect(screen.queryByText(/Deleting/)).toBeNull();

    // health: chip, relative lastRun, details on demand
    expect(screen.getByLabelText('Health: Healthy')).toHaveTextContent(
      'Healthy',
    );
    expect(screen.getByText('5 minutes ago')).toBeInTheDocument();
    expect(screen.queryByText(/SELECT 1 answered/)).not.toBeInTheDocument();
    fireEvent.click(
      screen.getByRole('button', { name: 'Show health details' }),
    );
    expect(
      await screen.findByText(/SELECT 1 answered in 12ms/),
    ).toBeInTheDocument();

    // conditions, workflow condition first, exact time on hover
    expect(
      screen.getByText('Configure workflow succeeded'),
    ).toBeInTheDocument();
    const rows = within(screen.getByRole('table', { name: 'Conditions' }))
      .getAllByRole('row')
      .slice(1);
    expect(rows[0]).toHaveTextContent('ConfigureWorkflowCompleted');
    expect(rows[0]).toHaveTextContent('PipelinesExecutedSuccessfully');
    expect(rows[0]).toHaveTextContent('Pipelines completed');
    expect(rows[1]).toHaveTextContent('Reconciled');
    // the exact time on hover, in the user's time zone
    expect(
      within(rows[0]).getByTitle(exactTime(new Date(TRANSITION))),
    ).toHaveTextContent('3 hours ago');
    expect(within(rows[0]).queryByTitle(TRANSITION)).toBeNull();

    // other status keys, engine-owned ones left out, secrets hidden
    expect(screen.getByText('connectionDetails')).toBeInTheDocument();
    expect(screen.getByText('example.com')).toBeInTheDocument();
    expect(screen.getByText('root')).toBeInTheDocument();
    expect(screen.queryByText('observedGeneration')).not.toBeInTheDocument();
    expect(screen.queryByText(/workflowsSucceeded/)).not.toBeInTheDocument();
    expect(screen.queryByText('s3cr3t-value')).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Show password' }));
    expect(screen.getByText('s3cr3t-value')).toBeInTheDocument();

    // no pipeline progress once the workflow is done
    expect(screen.queryByText(/pipelines done/)).not.toBeInTheDocument();
  });

  it('shows each pipeline’s phase while the workflow runs', async () => {
    server.use(
      http.get(RESOURCE_URL, () =>
        HttpResponse.json(resource(runningStatus())),
      ),
    );
    renderCard();

    expect(
      await screen.findByText('Configure workflow running'),
    ).toBeInTheDocument();
    expect(screen.getByText('1 of 3 pipelines done')).toBeInTheDocument();
    const pipelines = within(screen.getByRole('list', { name: 'Pipelines' }));
    expect(pipelines.getByText('create-db: Succeeded')).toBeInTheDocument();
    expect(pipelines.getByText('create-user: Running')).toBeInTheDocument();
    expect(pipelines.getByText(/creating user/)).toBeInTheDocument();
    expect(pipelines.getByText('notify: Pending')).toBeInTheDocument();
    expect(screen.getByText('No health checks reported.')).toBeInTheDocument();
  });

  it('says why the last reconcile failed with an error', async () => {
    const cause =
      'Reconcile failed (attempt 3, next in 20s): State store: could not write local/resources/team-a/postgres/orders-db/create-user: no space left';
    const failing = runningStatus();
    failing.conditions![1] = {
      type: 'Reconciled',
      status: 'False',
      reason: 'ReconcileError',
      message: cause,
      lastTransitionTime: TRANSITION,
    };
    server.use(
      http.get(RESOURCE_URL, () => HttpResponse.json(resource(failing))),
    );
    renderCard();

    // Above the conditions, in place of "running": the pipeline stopped
    // without failing.
    const [line, cell] = await screen.findAllByText(cause);
    expect(line.closest('table')).toBeNull();
    expect(cell.closest('table')).not.toBeNull();
    expect(screen.queryByText('Configure workflow running')).toBeNull();
    expect(screen.getByText('create-user: Running')).toBeInTheDocument();
    const rows = within(screen.getByRole('table', { name: 'Conditions' }))
      .getAllByRole('row')
      .slice(1);
    expect(rows[1]).toHaveTextContent('Reconciled');
    expect(rows[1]).toHaveTextContent('False');
    expect(rows[1]).toHaveTextContent('ReconcileError');
    expect(rows[1]).toHaveTextContent(cause);
  });

  it('says when the Resource is being deleted, and its failed delete', async () => {
    const deleting = resource({
      ...readyStatus(),
      conditions: [
        ...(readyStatus().conditions ?? []),
        {
          type: 'DeleteWorkflowCompleted',
          status: 'False',
          reason: 'DeleteWorkflowFailed',
          message: 'The Delete Pipeline has failed',
          lastTransitionTime: '2025-01-01T10:00:00Z',
        },
      ],
    });
    deleting.metadata.deletionTimestamp = new Date(
      Date.now() - 5 * 60_000,
    ).toISOString();
    server.use(http.get(RESOURCE_URL, () => HttpResponse.json(deleting)));
    renderCard();

    const deletingNote = await screen.findByText(/Deleting, requested/);
    expect(deletingNote).toHaveTextContent('Deleting, requested 5 minutes ago');
    expect(
      screen.getByText('The Delete Pipeline has failed'),
    ).toBeInTheDocument();
  });

  it('says when the Resource is paused', async () => {
    const held = resource(readyStatus());
    held.metadata.labels = { 'kratix.io/paused': 'true' };
    server.use(http.get(RESOURCE_URL, () => HttpResponse.json(held)));
    renderCard();
    const note = await screen.findByText('Paused');
    expect(note.closest('[title]')).toHaveAttribute(
      'title',
      'Label kratix.io/paused: "true"; no workflow runs until it is removed',
    );
  });

  it('understands the legacy PipelineCompleted condition', async () => {
    server.use(
      http.get(RESOURCE_URL, () =>
        HttpResponse.json(
          resource({
            message: 'Resource requested',
            conditions: [
              {
                type: 'PipelineCompleted',
                status: 'True',
                reason: 'PipelineExecutedSuccessfully',
                message: 'Pipeline completed',
                lastTransitionTime: TRANSITION,
              },
            ],
            healthStatus: {
              state: 'unhealthy',
              healthRecords: [
                {
                  state: 'unhealthy',
                  lastRun: Math.floor(Date.now() / 1000) - 7200,
                  source: { name: 'probe', namespace: 'team-a' },
                  details: 'connection refused',
                },
              ],
            },
          }),
        ),
      ),
    );
    renderCard();

    expect(
      await screen.findByText('Configure workflow succeeded'),
    ).toBeInTheDocument();
    expect(screen.getByText('PipelineCompleted')).toBeInTheDocument();
    expect(screen.getByText('reported by an older Kratix')).toBeInTheDocument();
    // checked 2 hours ago: older than the default 10 minutes
    expect(
      screen.getByLabelText('Health: Unhealthy (stale)'),
    ).toBeInTheDocument();
    expect(screen.getByText('2 hours ago')).toBeInTheDocument();
    expect(screen.getByText('stale')).toBeInTheDocument();
    fireEvent.click(
      screen.getByRole('button', { name: 'Show health details' }),
    );
    expect(await screen.findByText('connection refused')).toBeInTheDocument();
    expect(screen.getByText('team-a/probe')).toBeInTheDocument();
  });

  it('says when the Resource does not exist, and retries', async () => {
    let calls = 0;
    server.use(
      http.get(RESOURCE_URL, () => {
        calls += 1;
        return calls === 1
          ? errorBody(404, 'NotFoundError', 'no such resource')
          : HttpResponse.json(resource({ message: 'Now it exists' }));
      }),
    );
    renderCard();

    expect(
      await screen.findByText(
        /Kratix has no Resource postgres\/team-a\/orders-db/,
      ),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Now it exists')).toBeInTheDocument();
  });

  it('says when the user may not see the Resource', async () => {
    server.use(
      http.get(RESOURCE_URL, () => errorBody(403, 'NotAllowedError', 'denied')),
    );
    renderCard();

    expect(
      await screen.findByText(
        /You are not allowed to see the resource of postgres\/team-a\/orders-db/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/kratix\.resource\.read/)).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Retry' }),
    ).not.toBeInTheDocument();
  });

  it('shows a server error with a Retry that works', async () => {
    let calls = 0;
    server.use(
      http.get(RESOURCE_URL, () => {
        calls += 1;
        return calls === 1
          ? errorBody(500, 'Error', 'database is down')
          : HttpResponse.json(resource({ message: 'Back again' }));
      }),
    );
    renderCard();

    expect(
      await screen.findByText(
        'The Kratix backend failed while reading the resource of postgres/team-a/orders-db (HTTP 500): database is down. Retry in a moment; if it persists, tell your platform team.',
      ),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Back again')).toBeInTheDocument();
    expect(calls).toBe(2);
  });

  it('shows every Resource the annotation names', async () => {
    server.use(
      http.get(
        `${RESOURCE_URL.replace(/team-a.*/, '')}:ns/:name`,
        ({ params }) =>
          HttpResponse.json(resource({ message: `message of ${params.name}` })),
      ),
    );
    renderCard('postgres/team-a/orders-db, postgres/cache');

    expect(await screen.findByText('message of orders-db')).toBeInTheDocument();
    expect(await screen.findByText('message of cache')).toBeInTheDocument();
    expect(screen.getByText('postgres/default/cache')).toBeInTheDocument();
  });

  it('reports an annotation it cannot parse', async () => {
    renderCard('just-a-name');
    expect(
      await screen.findByText(/not a Resource ref: 'just-a-name'/),
    ).toBeInTheDocument();
  });

  it('still shows the valid refs of a malformed annotation, and names the bad part', async () => {
    server.use(
      http.get(RESOURCE_URL, () => HttpResponse.json(resource(readyStatus()))),
    );
    renderCard(`${ANNOTATION}, just-a-name`);
    expect(
      await screen.findByText(
        /kratix\.io\/resource-ref annotation has a part that is not a Resource ref: 'just-a-name'/,
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Resource provisioned with database size 10Gb'),
    ).toBeInTheDocument();
  });

  it('says when the backend cannot be reached', async () => {
    server.use(http.get(RESOURCE_URL, () => HttpResponse.error()));
    renderCard();
    expect(
      await screen.findByText(
        /^Could not reach the Kratix backend to read the resource of postgres\/team-a\/orders-db: the network or the backend is down/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });

  it('says when the Promise itself does not exist', async () => {
    server.use(
      http.get(RESOURCE_URL, () =>
        errorBody(404, 'NotFoundError', "Promise 'postgres' not found"),
      ),
    );
    renderCard();
    expect(
      await screen.findByText(
        'Kratix has no Promise postgres, so there is no Resource postgres/team-a/orders-db. The Promise may not be installed (yet), or the kratix.io/resource-ref annotation names the wrong one.',
      ),
    ).toBeInTheDocument();
  });

  it('updates live when a signal with status arrives on the Resource channel', async () => {
    const signals = new FakeSignalApi();
    let calls = 0;
    server.use(
      http.get(RESOURCE_URL, () => {
        calls += 1;
        return HttpResponse.json(
          resource(
            calls === 1
              ? runningStatus()
              : { ...readyStatus(), message: 'Fetched after the signal' },
          ),
        );
      }),
    );
    renderCard(ANNOTATION, { signals });

    expect(
      await screen.findByText('Configure workflow running'),
    ).toBeInTheDocument();
    expect(screen.getByText('Live')).toBeInTheDocument();
    expect(signals.channels()).toEqual(['kratix:postgres:team-a:orders-db']);

    // The signal's status shows at once ...
    signals.publish('kratix:postgres:team-a:orders-db', {
      resourceVersion: '11',
      generation: 2,
      status: { ...readyStatus(), message: 'From the signal' } as any,
    });
    expect(await screen.findByText('From the signal')).toBeInTheDocument();
    expect(
      screen.getByText('Configure workflow succeeded'),
    ).toBeInTheDocument();

    // ... and the Resource is re-read within a second.
    expect(
      await screen.findByText('Fetched after the signal', undefined, {
        timeout: 1000,
      }),
    ).toBeInTheDocument();
    expect(calls).toBe(2);
  });

  it('re-reads the Resource through the API on a signal without status (the default)', async () => {
    const signals = new FakeSignalApi();
    let calls = 0;
    server.use(
      http.get(RESOURCE_URL, () => {
        calls += 1;
        return HttpResponse.json(
          resource(
            calls === 1
              ? runningStatus()
              : { ...readyStatus(), message: 'Fetched after the signal' },
          ),
        );
      }),
    );
    renderCard(ANNOTATION, { signals });
    expect(
      await screen.findByText('Configure workflow running'),
    ).toBeInTheDocument();

    signals.publish('kratix:postgres:team-a:orders-db', {
      resourceVersion: '11',
      generation: 2,
      deleted: false,
    });
    expect(
      await screen.findByText('Fetched after the signal', undefined, {
        timeout: 1000,
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Configure workflow succeeded'),
    ).toBeInTheDocument();
    expect(calls).toBe(2);
  });

  it('polls when signals are not available', async () => {
    let calls = 0;
    server.use(
      http.get(RESOURCE_URL, () => {
        calls += 1;
        return HttpResponse.json(resource({ message: `poll ${calls}` }));
      }),
    );
    renderCard(ANNOTATION, { pollIntervalMs: 50 });

    expect(await screen.findByText('poll 1')).toBeInTheDocument();
    expect(screen.getByText('Polling every 50 ms')).toBeInTheDocument();
    expect(await screen.findByText(/poll [2-9]/)).toBeInTheDocument();
    await waitFor(() => expect(calls).toBeGreaterThanOrEqual(3));
  });

  describe('the live badge', () => {
    const badge = () => screen.getByRole('status', { name: /^Updates:/ });

    it('says when a poll fails (backend gone), and recovers', async () => {
      let down = false;
      server.use(
        http.get(RESOURCE_URL, () =>
          down
            ? HttpResponse.error()
            : HttpResponse.json(resource(readyStatus())),
        ),
      );
      renderCard(ANNOTATION, { pollIntervalMs: 100 });
      await screen.findByText('Resource provisioned with database size 10Gb');
      expect(badge()).toHaveTextContent('Polling every 100 ms');

      down = true;
      await waitFor(() =>
        expect(badge()).toHaveTextContent(/^Not updating · stale since/),
      );
      // the last status stays on screen
      expect(
        screen.getByText('Resource provisioned with database size 10Gb'),
      ).toBeInTheDocument();

      down = false;
      await waitFor(() =>
        expect(badge()).toHaveTextContent('Polling every 100 ms'),
      );
    });

    it('with signals, says Live, and still notices the backend is gone', async () => {
      let down = false;
      server.use(
        http.get(RESOURCE_URL, () =>
          down
            ? HttpResponse.json({ error: { message: 'boom' } }, { status: 502 })
            : HttpResponse.json(resource(readyStatus())),
        ),
      );
      renderCard(ANNOTATION, {
        signals: new FakeSignalApi(),
        pollIntervalMs: 100,
      });
      await screen.findByText('Resource provisioned with database size 10Gb');
      expect(badge()).toHaveTextContent(/^Live$/);

      down = true;
      await waitFor(() => expect(badge()).toHaveTextContent(/^Not updating/));
      expect(badge()).toHaveAttribute('title', expect.stringContaining('boom'));
    });

    it('says stale since when no update arrives for longer than a poll interval', async () => {
      let calls = 0;
      server.use(
        http.get(RESOURCE_URL, () => {
          calls += 1;
          return calls === 1
            ? HttpResponse.json(resource(readyStatus()))
            : new Promise<Response>(() => {});
        }),
      );
      renderCard(ANNOTATION, {
        signals: new FakeSignalApi(),
        pollIntervalMs: 100,
      });
      await screen.findByText('Resource provisioned with database size 10Gb');
      expect(badge()).toHaveTextContent(/^Live$/);
      await waitFor(() => expect(badge()).toHaveTextContent(/^Stale since/));
    });
  });

  describe('a failed Resource', () => {
    const failedStatus = (): KratixStatus => ({
      ...readyStatus(),
      message: 'Provisioning failed',
      conditions: [
        {
          type: 'ConfigureWorkflowCompleted',
          status: 'False',
          reason: 'ConfigureWorkflowFailed',
          message: 'create-user failed',
          lastTransitionTime: TRANSITION,
        },
      ],
      kratix: {
        workflows: {
          pipelines: [
            { name: 'create-db', phase: 'Succeeded' as const },
            { name: 'create-user', phase: 'Failed' as const },
          ],
        },
      },
    });

    beforeEach(() => {
      server.use(
        http.get(RESOURCE_URL, () =>
          HttpResponse.json(resource(failedStatus())),
        ),
        http.get(`${RESOURCE_URL}/runs`, () =>
          HttpResponse.json({ items: runs() }),
        ),
        http.get(`${RESOURCE_URL}/runs/run-2/logs`, () =>
          HttpResponse.json({
            items: [
              { pipeline: 'create-db', container: 'main', log: 'db ok\n' },
              {
                pipeline: 'create-user',
                container: 'main',
                log: 'line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nERROR: role exists\n',
              },
            ],
          }),
        ),
      );
    });

    it('opens with a red line: the failed pipeline, its exit code, its last log lines and a link to the tab', async () => {
      renderInTestApp(
        <EntityProvider entity={entityWith(ANNOTATION)}>
          <EntityKratixStatusCard />
        </EntityProvider>,
        {
          apis: [kratixClientApi()],
          mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
        },
      );
      const alert = await screen.findByRole('alert', {
        name: 'Workflow failure',
      });
      await waitFor(() =>
        expect(alert).toHaveTextContent(
          'Pipeline create-user failed with exit code 3',
        ),
      );
      const log = await within(alert).findByLabelText(
        'Last lines of create-user',
      );
      expect(log).toHaveTextContent('ERROR: role exists');
      expect(log).toHaveTextContent('line 3');
      expect(log).not.toHaveTextContent('line 2');
      expect(log).not.toHaveTextContent('db ok');
      expect(within(alert).getByRole('link')).toHaveAttribute(
        'href',
        '/catalog/default/component/orders/kratix',
      );
      // the line comes before the message
      const message = screen.getByText('Provisioning failed');
      expect(
        alert.compareDocumentPosition(message) &
          Node.DOCUMENT_POSITION_FOLLOWING,
      ).toBeTruthy();
    });

    it('keeps the red line on the card when the Resource is one summary line of several', async () => {
      const OTHER_URL = RESOURCE_URL.replace('orders-db', 'cache');
      server.use(
        http.get(OTHER_URL, () =>
          HttpResponse.json({
            ...resource(readyStatus()),
            metadata: { name: 'cache', namespace: 'team-a' },
          }),
        ),
      );
      renderCard(`${ANNOTATION},postgres/team-a/cache`);
      const failed = await screen.findByRole('region', { name: ANNOTATION });
      const alert = await within(failed).findByRole('alert', {
        name: 'Workflow failure',
      });
      await waitFor(() =>
        expect(alert).toHaveTextContent(
          'Pipeline create-user failed with exit code 3',
        ),
      );
      // still a summary: the details wait for the button
      expect(
        within(failed).queryByRole('table', { name: 'Conditions' }),
      ).toBeNull();
      const healthy = screen.getByRole('region', {
        name: 'postgres/team-a/cache',
      });
      expect(within(healthy).queryByRole('alert')).toBeNull();
    });

    it('shows no in-progress bar for a failed workflow', async () => {
      renderCard();
      expect(
        await screen.findByText(/Configure workflow failed/),
      ).toBeInTheDocument();
      expect(screen.getByText('1 of 2 pipelines done')).toBeInTheDocument();
      expect(screen.queryByRole('progressbar')).toBeNull();
    });
  });

  it('masks the keys that kratix.frontend.secretKeyPatterns names, instead of the defaults', async () => {
    server.use(
      http.get(RESOURCE_URL, () => HttpResponse.json(resource(readyStatus()))),
    );
    renderInTestApp(
      <EntityProvider entity={entityWith(ANNOTATION)}>
        <EntityKratixStatusCard />
      </EntityProvider>,
      {
        apis: [kratixClientApi()],
        config: { kratix: { frontend: { secretKeyPatterns: ['^user$'] } } },
      },
    );
    expect(
      await screen.findByRole('button', { name: 'Show user' }),
    ).toBeInTheDocument();
    expect(screen.queryByText('admin')).toBeNull();
    expect(screen.getByText('s3cr3t-value')).toBeInTheDocument();
  });

  it('marks health checked longer ago than kratix.frontend.healthStaleAfter as stale', async () => {
    server.use(
      http.get(RESOURCE_URL, () => HttpResponse.json(resource(readyStatus()))),
    );
    // checked 5 minutes ago: fresh by default ...
    const first = await renderCard();
    expect(await screen.findByLabelText('Health: Healthy')).toBeInTheDocument();
    expect(screen.queryByText('stale')).toBeNull();
    first.unmount();

    // ... stale when the threshold is 1 minute
    renderInTestApp(
      <EntityProvider entity={entityWith(ANNOTATION)}>
        <EntityKratixStatusCard />
      </EntityProvider>,
      {
        apis: [kratixClientApi()],
        config: { kratix: { frontend: { healthStaleAfter: { minutes: 1 } } } },
      },
    );
    expect(
      await screen.findByLabelText('Health: Healthy (stale)'),
    ).toBeInTheDocument();
    expect(screen.getByText('stale').closest('[title]')).toHaveAttribute(
      'title',
      expect.stringContaining('longer than 1 minute ('),
    );
  });

  describe('many conditions, several Resources', () => {
    const many = (): KratixStatus => ({
      ...readyStatus(),
      conditions: [
        { type: 'ConfigureWorkflowCompleted', status: 'True', reason: 'Ok' },
        { type: 'Reconciled', status: 'True', reason: 'Reconciled' },
        { type: 'BackupsConfigured', status: 'True', reason: 'Ok' },
        {
          type: 'DatabaseReachable',
          status: 'False',
          reason: 'ConnectionTimeout',
        },
        { type: 'ReplicaInSync', status: 'Unknown', reason: 'Checking' },
      ],
    });

    it('shows False and Unknown first; True ones wait behind "n more"; names break only between words', async () => {
      server.use(
        http.get(RESOURCE_URL, () => HttpResponse.json(resource(many()))),
      );
      renderCard();
      const table = await screen.findByRole('table', { name: 'Conditions' });
      let rows = within(table).getAllByRole('row').slice(1);
      expect(
        rows.map(r => (r as HTMLTableRowElement).cells[0].textContent),
      ).toEqual(['DatabaseReachable', 'ReplicaInSync']);
      fireEvent.click(screen.getByRole('button', { name: '3 more' }));
      rows = within(table).getAllByRole('row').slice(1);
      expect(
        rows.map(r => (r as HTMLTableRowElement).cells[0].textContent),
      ).toEqual([
        'DatabaseReachable',
        'ReplicaInSync',
        'ConfigureWorkflowCompleted',
        'Reconciled',
        'BackupsConfigured',
      ]);
      // break points between the words only
      expect((rows[2] as HTMLTableRowElement).cells[0].innerHTML).toContain(
        'Configure<wbr>Workflow<wbr>Completed',
      );
      // reasons too, and a never-wrapping column's header
      expect((rows[0] as HTMLTableRowElement).cells[2].innerHTML).toContain(
        'Connection<wbr>Timeout',
      );
      expect(
        within(table).getByRole('columnheader', { name: 'Changed' }),
      ).toHaveStyle('white-space: nowrap');
      fireEvent.click(screen.getByRole('button', { name: 'Show fewer' }));
      expect(within(table).getAllByRole('row')).toHaveLength(3);
    });

    it('gives each Resource of an entity one summary line, details on expand', async () => {
      const OTHER_URL = RESOURCE_URL.replace('orders-db', 'cache');
      server.use(
        http.get(RESOURCE_URL, () =>
          HttpResponse.json(resource(readyStatus())),
        ),
        http.get(OTHER_URL, () =>
          HttpResponse.json({
            ...resource(runningStatus()),
            metadata: { name: 'cache', namespace: 'team-a' },
          }),
        ),
      );
      renderCard(`${ANNOTATION},postgres/team-a/cache`);

      const first = await screen.findByRole('region', {
        name: 'postgres/team-a/orders-db',
      });
      const second = screen.getByRole('region', {
        name: 'postgres/team-a/cache',
      });
      expect(
        await within(first).findByText(
          'Resource provisioned with database size 10Gb',
        ),
      ).toBeInTheDocument();
      expect(await within(second).findByText('Pending')).toBeInTheDocument();
      // summaries only: no conditions table yet
      expect(screen.queryByRole('table', { name: 'Conditions' })).toBeNull();

      fireEvent.click(
        within(first).getByRole('button', {
          name: 'Show the details of postgres/team-a/orders-db',
        }),
      );
      expect(
        within(first).getByRole('table', { name: 'Conditions' }),
      ).toBeInTheDocument();
      expect(
        within(second).queryByRole('table', { name: 'Conditions' }),
      ).toBeNull();
      // The button's visible text is part of its name (WCAG 2.5.3).
      const hide = within(first).getByRole('button', {
        name: 'Hide the details of postgres/team-a/orders-db',
      });
      expect(hide.getAttribute('aria-label')?.toLowerCase()).toContain(
        hide.textContent?.toLowerCase(),
      );
    });
  });

  it('shows pipeline status keys cleanly: a space after keys that never wrap, links, null', async () => {
    server.use(
      http.get(RESOURCE_URL, () =>
        HttpResponse.json(
          resource({
            ...readyStatus(),
            links: { dashboard: 'https://grafana.example.com/d/1' },
            backup: { lastSnapshot: null },
          }),
        ),
      ),
    );
    renderCard();
    const user = (await screen.findByText('user:')).closest('li')!;
    expect(user).toHaveTextContent(/^user: admin$/);
    // a plain block, not a flex row that swallows the space
    expect(user.closest('.MuiListItem-root')).toBeNull();
    expect(getComputedStyle(screen.getByText('user:')).whiteSpace).toBe(
      'nowrap',
    );
    expect(
      screen.getByRole('link', {
        name: /^https:\/\/grafana\.example\.com\/d\/1/,
      }),
    ).toHaveAttribute('href', 'https://grafana.example.com/d/1');
    expect(screen.getByText('lastSnapshot:').closest('li')).toHaveTextContent(
      'lastSnapshot: null',
    );
  });
});
