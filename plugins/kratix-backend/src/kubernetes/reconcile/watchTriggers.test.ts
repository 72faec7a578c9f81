import { KratixObject } from '../../engine/interfaces';
import { FINALIZERS, finalizersOf } from './finalizers';
import { decide } from './watchTriggers';

const resource = (
  metadata: Partial<KratixObject['metadata']> & { finalizers?: string[] },
  status?: KratixObject['status'],
): KratixObject =>
  ({
    apiVersion: 'example.kratix.io/v1',
    kind: 'IAM',
    metadata: {
      name: 'alice',
      namespace: 'default',
      generation: 1,
      resourceVersion: '10',
      finalizers: finalizersOf('Resource'),
      ...metadata,
    },
    spec: {},
    ...(status && { status }),
  } as KratixObject);

describe('decide', () => {
  it('queues a new object, and asks for the finalizers it lacks', () => {
    const d = decide('Resource', resource({ finalizers: [] }), undefined);
    expect(d.enqueue).toEqual({ reason: 'created' });
    expect(d.addFinalizers).toBe(true);
    expect(d.seen).toEqual({ generation: 1, deleting: false });
  });

  it('waits for the interval for an object first seen already reconciled', () => {
    const d = decide(
      'Resource',
      resource({}, { observedGeneration: 1 }),
      undefined,
    );
    expect(d.enqueue).toEqual({ reason: 'interval', afterInterval: true });
    expect(d.addFinalizers).toBe(false);
  });

  it('ignores a status write, queues a new generation', () => {
    const seen = { generation: 1, deleting: false };
    expect(decide('Resource', resource({}), seen).enqueue).toBeUndefined();
    const changed = decide('Resource', resource({ generation: 2 }), seen);
    expect(changed.enqueue).toEqual({ reason: 'spec-changed' });
    expect(changed.resourcesToo).toBe(false);
  });

  it("runs a changed Promise's Resources too", () => {
    const promise = resource({
      generation: 3,
      finalizers: finalizersOf('Promise'),
    });
    const d = decide('Promise', promise, { generation: 2, deleting: false });
    expect(d.resourcesToo).toBe(true);
  });

  it('queues the manual-reconciliation label once per write that carries it', () => {
    const labels = { 'kratix.io/manual-reconciliation': 'true' };
    const seen = { generation: 1, deleting: false };
    const first = decide('Resource', resource({ labels }), seen);
    expect(first.enqueue).toEqual({ reason: 'manual' });
    const again = decide('Resource', resource({ labels }), first.seen);
    expect(again.enqueue).toBeUndefined();
    const later = decide(
      'Resource',
      resource({ labels, resourceVersion: '12' }),
      again.seen,
    );
    expect(later.enqueue).toEqual({ reason: 'manual' });
  });

  it('queues a delete once, only while the finalizers hold the object', () => {
    const deleting = resource({ deletionTimestamp: '2025-01-01T00:00:00Z' });
    const d = decide('Resource', deleting, { generation: 1, deleting: false });
    expect(d.enqueue).toEqual({ reason: 'deleted' });
    expect(decide('Resource', deleting, d.seen).enqueue).toBeUndefined();
    const others = resource({
      deletionTimestamp: '2025-01-01T00:00:00Z',
      finalizers: ['example.com/other'],
    });
    expect(decide('Resource', others, undefined).enqueue).toBeUndefined();
    expect(FINALIZERS.deleteWorkflows).toBe('kratix.io/delete-workflows');
  });
});
