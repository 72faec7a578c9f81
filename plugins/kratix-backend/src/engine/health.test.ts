import {
  HealthRecord,
  KratixStatus,
} from '@kratix-backstage/plugin-kratix-common';
import { stringify } from 'yaml';
import { applyHealthRecords, parseHealthRecord } from './health';
import { KratixValidationError } from './errors';

const seedRecord = {
  apiVersion: 'platform.kratix.io/v1alpha1',
  kind: 'HealthRecord',
  metadata: { name: 'dev-psql-health' },
  data: {
    promiseRef: { name: 'psql' },
    resourceRef: { name: 'dev-psql', namespace: 'default' },
    state: 'ready',
    lastRun: 1531958400,
    details: { acceptingConnection: true },
  },
};

const record = (name: string, state: string, lastRun?: number): HealthRecord =>
  parseHealthRecord({
    ...seedRecord,
    metadata: { name },
    data: { ...seedRecord.data, state, lastRun, details: { name } },
  });

describe('parseHealthRecord', () => {
  it('reads the seed record from YAML and defaults namespaces', () => {
    const parsed = parseHealthRecord(stringify(seedRecord));
    expect(parsed.metadata).toEqual({
      name: 'dev-psql-health',
      namespace: 'default',
    });
    expect(parsed.data.state).toBe('ready');
  });

  it('defaults the state to unknown', () => {
    const { state: _state, ...data } = seedRecord.data;
    expect(parseHealthRecord({ ...seedRecord, data }).data.state).toBe(
      'unknown',
    );
  });

  it.each([
    [
      { ...seedRecord, data: { ...seedRecord.data, state: 'great' } },
      'data.state',
      'must be one of unhealthy, degraded, unknown, healthy, ready, got "great"',
    ],
    [
      { ...seedRecord, data: { ...seedRecord.data, resourceRef: {} } },
      'data.resourceRef.name',
      'is required',
    ],
    [
      { ...seedRecord, data: { ...seedRecord.data, lastRun: 'yesterday' } },
      'data.lastRun',
      'expected number',
    ],
    [{ ...seedRecord, kind: 'Promise' }, 'kind', 'HealthRecord'],
    [
      { ...seedRecord, metadata: { name: 'h', namespace: 'a.b' } },
      'metadata.namespace',
      'must be lowercase letters, digits or "-"',
    ],
    [
      {
        ...seedRecord,
        data: {
          ...seedRecord.data,
          resourceRef: { name: 'a', namespace: 'n'.repeat(64) },
        },
      },
      'data.resourceRef.namespace',
      'must be at most 63 characters, got 64',
    ],
    [
      {
        ...seedRecord,
        data: { ...seedRecord.data, promiseRef: { name: '../p' } },
      },
      'data.promiseRef.name',
      'must be lowercase letters',
    ],
    [
      { ...seedRecord, metadata: { name: 'A' } },
      'metadata.name',
      'must be lowercase letters, digits, "-" or "."',
    ],
  ])('refuses %j at %s', (doc, path, message) => {
    let error: unknown;
    try {
      parseHealthRecord(doc);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KratixValidationError);
    expect((error as KratixValidationError).path).toBe(path);
    expect((error as Error).message).toContain(
      `Invalid HealthRecord: ${path}: `,
    );
    expect((error as Error).message).toContain(message);
  });
});

describe('applyHealthRecords', () => {
  const status: KratixStatus = { message: 'hi', custom: { a: 1 } };

  it('writes the seed form for one record', () => {
    expect(applyHealthRecords(status, [parseHealthRecord(seedRecord)])).toEqual(
      {
        message: 'hi',
        custom: { a: 1 },
        healthRecord: {
          state: 'ready',
          lastRun: 1531958400,
          details: { acceptingConnection: true },
        },
        healthStatus: {
          state: 'ready',
          healthRecords: [
            {
              state: 'ready',
              lastRun: 1531958400,
              source: { name: 'dev-psql-health', namespace: 'default' },
              details: { acceptingConnection: true },
            },
          ],
        },
      },
    );
  });

  it.each([
    [
      'the worst state wins',
      [
        record('a', 'ready', 5),
        record('b', 'degraded', 1),
        record('c', 'unknown', 9),
      ],
      'b',
      'degraded',
    ],
    [
      'unhealthy is worst',
      [record('a', 'unhealthy', 1), record('b', 'degraded', 9)],
      'a',
      'unhealthy',
    ],
    [
      'unknown is worse than healthy',
      [record('a', 'healthy', 9), record('b', 'unknown', 1)],
      'b',
      'unknown',
    ],
    [
      'ties go to the newest lastRun',
      [
        record('a', 'healthy', 1),
        record('b', 'healthy', 7),
        record('c', 'healthy', 3),
      ],
      'b',
      'healthy',
    ],
  ])('%s', (_name, records, chosen, state) => {
    const result = applyHealthRecords(status, records);
    expect(result.healthRecord).toEqual(
      expect.objectContaining({ state, details: { name: chosen } }),
    );
    expect(result.healthStatus?.state).toBe(state);
    expect(result.healthStatus?.healthRecords).toHaveLength(records.length);
    expect(result.healthStatus?.healthRecords[0].source.name).toBe(chosen);
  });

  it('removes both fields when there are no records, and nothing else', () => {
    const withHealth = applyHealthRecords(status, [record('a', 'ready', 1)]);
    expect(applyHealthRecords(withHealth, [])).toEqual(status);
    expect(applyHealthRecords(undefined, [])).toEqual({});
  });
});
