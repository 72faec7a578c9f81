import {
  createStore,
  createTestDatabases,
  promiseKey,
  resourceKey,
} from './__testUtils__/databases';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const at = (pipeline: string, groupId: string, destination: string) => ({
  pipeline,
  groupId,
  destination,
});

describe.each(databases.eachSupportedId())('work placements on %p', id => {
  it("replaces one pipeline's placements, keeps the others, and goes with the object", async () => {
    const { store } = await createStore(databases, id);
    const key = resourceKey('db1');
    const other = resourceKey('db2');
    await store.createObject(key, {
      apiVersion: 'x.io/v1',
      kind: 'x',
      spec: {},
      status: {},
    });
    await store.replaceWorkPlacements(key, 'a', [at('a', 'g1', 'dev')]);
    await store.replaceWorkPlacements(key, 'b', [
      at('b', 'g1', 'dev'),
      at('b', 'g2', 'prod'),
    ]);
    await store.replaceWorkPlacements(other, 'a', [at('a', 'g1', 'prod')]);
    await store.replaceWorkPlacements(promiseKey('pg'), '', [
      at('', 'g1', 'dev'),
    ]);
    await store.replaceWorkPlacements(key, 'a', [at('a', 'g1', 'prod')]);
    expect(await store.listWorkPlacements(key)).toEqual([
      at('a', 'g1', 'prod'),
      at('b', 'g1', 'dev'),
      at('b', 'g2', 'prod'),
    ]);
    await store.replaceWorkPlacements(key, 'b', []);
    expect(await store.listWorkPlacements(key)).toEqual([
      at('a', 'g1', 'prod'),
    ]);

    await store.deleteObject(key);
    expect(await store.listWorkPlacements(key)).toEqual([]);
    expect(await store.listWorkPlacements(other)).toEqual([
      at('a', 'g1', 'prod'),
    ]);
    expect(await store.listWorkPlacements(promiseKey('pg'))).toEqual([
      at('', 'g1', 'dev'),
    ]);
  });
});
