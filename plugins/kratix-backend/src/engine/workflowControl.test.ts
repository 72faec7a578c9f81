import {
  findSuspension,
  parseWorkflowControl,
  WORKFLOW_CONTROL_MAX_BYTES,
} from './workflowControl';

const FILE = '/kratix/metadata/workflow-control.yaml';

describe('parseWorkflowControl', () => {
  it('reads suspend, retryAfter and message', () => {
    expect(parseWorkflowControl('suspend: true\nmessage: waiting\n')).toEqual({
      suspend: true,
      message: 'waiting',
      warnings: [],
    });
    expect(parseWorkflowControl('retryAfter: 1m30s\n')).toEqual({
      suspend: true,
      retryAfterMs: 90_000,
      warnings: [],
    });
    expect(parseWorkflowControl('retryAfter: 300ms')?.retryAfterMs).toBe(300);
  });

  it.each(['', '# nothing\n', 'suspend: false\n', 'retryAfter: ""\n'])(
    'asks for nothing with %p',
    text => expect(parseWorkflowControl(text)).toBeUndefined(),
  );

  it('warns of keys it does not know', () => {
    expect(parseWorkflowControl('suspend: true\nsuspendd: 1\n')).toEqual({
      suspend: true,
      warnings: [`the key 'suspendd' in ${FILE} was ignored`],
    });
  });

  it.each([
    ['retryAfter: whale\n', `'retryAfter' in ${FILE} must be a duration`],
    ['retryAfter: 10\n', `'retryAfter' in ${FILE} must be a duration`],
    ['retryAfter: -5m\n', `'retryAfter' in ${FILE} must be a duration`],
    ['suspend: yes please\n', `'suspend' in ${FILE} must be true or false`],
    ['message: [a]\nsuspend: true\n', `'message' in ${FILE} must be a string`],
    ['- suspend\n', `${FILE} must be a mapping`],
    ['suspend: [\n', `${FILE} is `],
    ['suspend: true\n---\nsuspend: false\n', `${FILE} holds 2 YAML documents`],
  ])('refuses %p', (text, message) => {
    expect(() => parseWorkflowControl(text)).toThrow(message);
  });

  it('refuses a file over the size limit', () => {
    const text = `message: ${'x'.repeat(WORKFLOW_CONTROL_MAX_BYTES)}\n`;
    expect(() => parseWorkflowControl(text)).toThrow(/more than the limit/);
  });
});

describe('findSuspension', () => {
  const status = {
    kratix: {
      workflows: {
        suspendedGeneration: 3,
        pipelines: [
          { name: 'a', phase: 'Succeeded' as const },
          {
            name: 'b',
            phase: 'Suspended' as const,
            nextRetryAt: '2024-05-01T10:00:10Z',
          },
        ],
      },
    },
  };

  it('finds the suspended pipeline of this generation, and its retry', () => {
    expect(findSuspension(status, 3)).toEqual({
      pipeline: 'b',
      retryAt: new Date('2024-05-01T10:00:10Z'),
    });
  });

  it('ends with a newer generation', () => {
    expect(findSuspension(status, 4)).toBeUndefined();
    expect(findSuspension(undefined, 1)).toBeUndefined();
  });
});
