import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { runAction } from '../__testUtils__/runAction';
import { createKratixCatalogWaitAction } from './catalogWait';

const erin = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'erin', namespace: 'default' },
  spec: { type: 'service', owner: 'guests', lifecycle: 'production' },
};

/**
 * An in-memory catalog that is empty until `register()`, as the real one is
 * until it processes the location the Promise's pipeline wrote.
 */
function laterCatalog() {
  let current = catalogServiceMock();
  const reads: unknown[] = [];
  const catalog = {
    getEntityByRef: async (ref, options) => {
      reads.push(options.credentials);
      return current.getEntityByRef(ref, options);
    },
  } as Partial<CatalogService> as CatalogService;
  return {
    catalog,
    reads,
    register: () => {
      current = catalogServiceMock({ entities: [erin] });
    },
  };
}

describe('kratix:catalog:wait', () => {
  it('waits until the entity is in the catalog, then outputs its page and Kratix tab', async () => {
    const later = laterCatalog();
    const action = createKratixCatalogWaitAction({
      catalog: later.catalog,
      pollIntervalMs: 50,
    });
    setTimeout(later.register, 300);

    const { outputs, logs } = await runAction(
      action,
      { entityRef: 'component:default/erin', timeout: '10s' },
      { user: 'user:default/erin' },
    );

    expect(outputs).toEqual({
      entityRef: 'component:default/erin',
      entityUrl: '/catalog/default/component/erin',
      kratixUrl: '/catalog/default/component/erin/kratix',
    });
    expect(later.reads.length).toBeGreaterThan(2);
    // Read as the user who runs the template, not as the scaffolder.
    expect(later.reads[0]).toMatchObject({
      principal: { userEntityRef: 'user:default/erin' },
    });
    expect(logs).toEqual([
      'Waiting for component:default/erin in the catalog',
      'component:default/erin is in the catalog',
    ]);
  });

  it('fails with a clear message when the entity does not appear in time', async () => {
    const action = createKratixCatalogWaitAction({
      catalog: laterCatalog().catalog,
      pollIntervalMs: 50,
    });
    await expect(
      runAction(action, { entityRef: 'component:default/erin', timeout: '1s' }),
    ).rejects.toThrow(
      'component:default/erin is not in the catalog after 1s: check that the location that registers it is in catalog.locations and was processed, and that you may read the entity',
    );
  });

  it('names a malformed entityRef and the expected form', async () => {
    const action = createKratixCatalogWaitAction({
      catalog: laterCatalog().catalog,
    });
    await expect(
      runAction(action, { entityRef: 'component:default/erin/x' }),
    ).rejects.toThrow(
      "Invalid entityRef 'component:default/erin/x': expected <kind>:<namespace>/<name>, e.g. component:default/alice",
    );
  });
});
