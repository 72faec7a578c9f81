import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { registerMswTestHooks } from '@backstage/test-utils';
import { Entity } from '@backstage/catalog-model';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  API,
  entityWith,
  kratixClientApi,
  readyStatus,
  resource,
  runningStatus,
} from '../../__testUtils__/fixtures';
import { kratixStatusColumn } from './kratixStatusColumn';

function renderCell(entity: Entity) {
  const column = kratixStatusColumn<{ entity: Entity }>();
  return renderInTestApp(<div>{column.render!({ entity }, 'row')}</div>, {
    apis: [kratixClientApi()],
  });
}

describe('kratixStatusColumn', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  beforeEach(() => {
    server.use(
      http.get(`${API}/promises/postgres/resources/team-a/orders-db`, () =>
        HttpResponse.json(resource(readyStatus())),
      ),
      http.get(`${API}/promises/postgres/resources/team-a/jobs-db`, () =>
        HttpResponse.json(resource(runningStatus())),
      ),
      http.get(`${API}/promises/postgres/resources/team-a/gone`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotFoundError',
              message: "Resource 'gone' not found",
            },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
  });

  it('is titled Kratix and does not sort', () => {
    const column = kratixStatusColumn();
    expect(column.title).toBe('Kratix');
    expect(column.sorting).toBe(false);
  });

  it("shows the state of the entity's Resource", async () => {
    await renderCell(entityWith('postgres/team-a/orders-db'));
    expect(await screen.findByText('1 Ready')).toBeInTheDocument();
  });

  it('counts several Resources, the worst first, and names the missing', async () => {
    await renderCell(
      entityWith(
        'postgres/team-a/orders-db, postgres/team-a/jobs-db, postgres/team-a/gone, bad/',
      ),
    );
    expect(
      await screen.findByText(
        '1 In progress, 1 Ready, 1 not found, 1 invalid ref',
      ),
    ).toBeInTheDocument();
  });

  it('is empty for entities without the annotation', async () => {
    const { container } = await renderCell(entityWith());
    expect(container.textContent).toBe('');
  });
});
