// The KRATIX_* env of Promise and Resource workflows, as upstream Kratix
// sets it: the CRD's plural and scope, no namespace for a Promise.
import { createTestDatabases } from '../database/__testUtils__/databases';
import { isConfigured, scriptPromise } from '../__testUtils__/scriptPromise';
import { withKratix } from '../__testUtils__/kratixApi';

jest.setTimeout(60_000);

const databases = createTestDatabases();
/** Appends `<type> <plural> <scoped> [<namespace>]` to `$MARKERS/env`. */
const envLine = {
  name: 'env',
  script:
    'echo "$KRATIX_WORKFLOW_TYPE $KRATIX_CRD_PLURAL $KRATIX_CLUSTER_SCOPED' +
    ' [$KRATIX_OBJECT_NAMESPACE]" >> "$MARKERS/env"',
};

describe.each(databases.eachSupportedId())('pipeline env on %p', id => {
  it('gives every container the CRD plural, its scope and the namespace', () =>
    withKratix(databases, id, {}, async kratix => {
      const doc = scriptPromise(
        'db',
        [envLine],
        { MARKERS: kratix.markers },
        { promiseConfigure: [envLine] },
      );
      await kratix.promise('db').put(doc, 201);
      await kratix.promise('db').waitFor(isConfigured);
      await kratix.resource('db', 'a').put({ size: 1 }, 201);
      await kratix.resource('db', 'a').waitFor(isConfigured);
      expect(kratix.lines('env')).toEqual([
        'promise promises true []',
        'resource things false [default]',
      ]);
    }));

  it('says true for a cluster-scoped API', () =>
    withKratix(databases, id, {}, async kratix => {
      const doc = scriptPromise('db', [envLine], { MARKERS: kratix.markers });
      doc.spec.api.spec.scope = 'Cluster';
      await kratix.promise('db').put(doc, 201);
      await kratix.resource('db', 'a').put({ size: 1 }, 201);
      await kratix.resource('db', 'a').waitFor(isConfigured);
      expect(kratix.lines('env')).toEqual(['resource things true [default]']);
    }));
});
