import { KratixCondition } from '@kratix-backstage/plugin-kratix-common';
import { formatTime, mergeConditions, setCondition } from './conditions';

const now = new Date('2024-06-01T12:34:56.789Z');
const old: KratixCondition = {
  type: 'A',
  status: 'True',
  reason: 'R',
  message: 'm',
  lastTransitionTime: '2024-01-01T00:00:00Z',
};

describe('formatTime', () => {
  it('writes RFC 3339 UTC with whole seconds', () => {
    expect(formatTime(now)).toBe('2024-06-01T12:34:56Z');
  });
});

describe('setCondition', () => {
  it.each<[string, KratixCondition, KratixCondition]>([
    [
      'same status keeps lastTransitionTime, updates reason and message',
      { type: 'A', status: 'True', reason: 'R2', message: 'm2' },
      {
        type: 'A',
        status: 'True',
        reason: 'R2',
        message: 'm2',
        lastTransitionTime: '2024-01-01T00:00:00Z',
      },
    ],
    [
      'a new status gets now',
      { type: 'A', status: 'False', reason: 'R' },
      {
        type: 'A',
        status: 'False',
        reason: 'R',
        lastTransitionTime: '2024-06-01T12:34:56Z',
      },
    ],
    [
      'a given lastTransitionTime wins',
      {
        type: 'A',
        status: 'False',
        lastTransitionTime: '2023-01-01T00:00:00Z',
      },
      {
        type: 'A',
        status: 'False',
        lastTransitionTime: '2023-01-01T00:00:00Z',
      },
    ],
  ])('%s', (_name, update, expected) => {
    expect(setCondition([old], update, now)).toEqual([expected]);
  });

  it('appends a new type with now and keeps the input unchanged', () => {
    const list = [old];
    const result = setCondition(list, { type: 'B', status: 'Unknown' }, now);
    expect(result).toEqual([
      old,
      {
        type: 'B',
        status: 'Unknown',
        lastTransitionTime: '2024-06-01T12:34:56Z',
      },
    ]);
    expect(list).toEqual([old]);
  });

  it('gives now to an old condition that had no time', () => {
    const result = setCondition(
      [{ type: 'A', status: 'True' }],
      { type: 'A', status: 'True' },
      now,
    );
    expect(result[0].lastTransitionTime).toBe('2024-06-01T12:34:56Z');
  });
});

describe('mergeConditions', () => {
  it('keeps the order of existing types and appends new ones', () => {
    const result = mergeConditions(
      [old, { ...old, type: 'B' }],
      [
        { type: 'C', status: 'True' },
        { type: 'A', status: 'False' },
      ],
      now,
    );
    expect(result.map(c => `${c.type}=${c.status}`)).toEqual([
      'A=False',
      'B=True',
      'C=True',
    ]);
  });
});
