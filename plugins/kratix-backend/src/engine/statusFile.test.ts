import {
  KRATIX_KEY_REFUSED_MESSAGE,
  parseStatusFile,
  StatusFileError,
} from './statusFile';

function refusal(content: string, maxBytes?: number): StatusFileError {
  try {
    parseStatusFile(content, { maxBytes });
  } catch (e) {
    if (e instanceof StatusFileError) return e;
    throw e;
  }
  throw new Error('expected a StatusFileError');
}

const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
`;

describe('parseStatusFile', () => {
  it.each([
    ['an empty file', ''],
    ['only comments', '# nothing to say\n'],
    ['an explicit null', '~\n'],
  ])('changes nothing for %s', (_name, content) => {
    expect(parseStatusFile(content)).toEqual({ warnings: [] });
  });

  it('reads a mapping, from text or a Buffer', () => {
    const text = 'message: hi\nnested:\n  a: 1\n';
    const expected = {
      patch: { message: 'hi', nested: { a: 1 } },
      warnings: [],
    };
    expect(parseStatusFile(text)).toEqual(expected);
    expect(parseStatusFile(Buffer.from(text))).toEqual(expected);
  });

  it('accepts a few aliases', () => {
    expect(parseStatusFile('a: &x {k: v}\nb: *x\n').patch).toEqual({
      a: { k: 'v' },
      b: { k: 'v' },
    });
  });

  it.each([
    [
      'too-large',
      'message: too long\n',
      10,
      'is 18 bytes, more than the limit of 10 bytes',
    ],
    [
      'invalid-yaml',
      'message: [unclosed',
      undefined,
      '/kratix/metadata/status.yaml is not valid YAML',
    ],
    [
      'multiple-documents',
      'a: 1\n---\nb: 2\n',
      undefined,
      'holds 2 YAML documents',
    ],
    [
      'not-a-mapping',
      '- a\n- b\n',
      undefined,
      'must be a mapping of status keys, got a list',
    ],
    ['not-a-mapping', 'just text\n', undefined, 'got a string'],
    ['too-many-aliases', bomb, undefined, 'expands too many YAML aliases'],
    [
      'kratix-key',
      'message: x\nkratix:\n  workflows: {}\n',
      undefined,
      KRATIX_KEY_REFUSED_MESSAGE,
    ],
    [
      'invalid-conditions',
      'conditions: {type: A}\n',
      undefined,
      "'conditions' in /kratix/metadata/status.yaml must be a list",
    ],
    ['invalid-conditions', 'conditions: ~\n', undefined, 'must be a list'],
    [
      'invalid-conditions',
      'conditions: [x]\n',
      undefined,
      'conditions[0] in /kratix/metadata/status.yaml is not a mapping',
    ],
    [
      'invalid-conditions',
      'conditions: [{status: "True"}]\n',
      undefined,
      "needs a string 'type'",
    ],
    [
      'invalid-conditions',
      'conditions: [{type: A, status: maybe}]\n',
      undefined,
      '(type A) has status "maybe"; it must be "True", "False" or "Unknown"',
    ],
    [
      'invalid-conditions',
      'conditions: [{type: A, status: true}]\n',
      undefined,
      'has status true',
    ],
    [
      'invalid-conditions',
      'conditions: [{type: A, status: "True", reason: 5}]\n',
      undefined,
      "(type A) has a 'reason' that is not a string",
    ],
  ])('refuses with %s: %j', (reason, content, maxBytes, message) => {
    const error = refusal(content, maxBytes);
    expect(error.reason).toBe(reason);
    expect(error.message).toContain(message);
  });

  it('refuses a status nested too deep, again and again', () => {
    // Composed recursively, it overflowed the stack, and on the next one V8
    // aborted the whole process; a pipeline may copy a user's value into it.
    for (const content of [
      `message: ${'['.repeat(5000)}\n`,
      `a: ${'{b: '.repeat(3000)}\n`,
    ]) {
      for (let i = 0; i < 3; i++) {
        const error = refusal(content);
        expect(error.reason).toBe('too-deep');
        expect(error.message).toMatch(
          /^\/kratix\/metadata\/status\.yaml is nested deeper than 100 levels at line 1, column \d+$/,
        );
      }
    }
    const deep = { a: {} as Record<string, unknown> };
    let level = deep.a;
    for (let i = 2; i < 100; i++) level = level.a = {};
    expect(parseStatusFile(JSON.stringify(deep)).patch).toEqual(deep);
  });

  it('uses a 1 MiB limit by default', () => {
    const big = `message: ${'x'.repeat(1024 * 1024)}\n`;
    expect(refusal(big).reason).toBe('too-large');
    expect(parseStatusFile(`message: ${'x'.repeat(1000)}`).patch).toBeDefined();
  });

  it('drops conditions of the types the engine manages, with a warning', () => {
    const result = parseStatusFile(`conditions:
  - {type: Reconciled, status: "True"}
  - {type: DatabaseReady, status: "True"}
  - {type: ConfigureWorkflowCompleted, status: "False"}
`);
    expect(result.patch).toEqual({
      conditions: [{ type: 'DatabaseReady', status: 'True' }],
    });
    expect(result.warnings).toEqual([
      "the condition 'Reconciled' in /kratix/metadata/status.yaml was ignored: Kratix manages that condition type",
      "the condition 'ConfigureWorkflowCompleted' in /kratix/metadata/status.yaml was ignored: Kratix manages that condition type",
    ]);
  });

  it("keeps only a Promise's message, with a warning naming the rest", () => {
    const text = 'message: ready\nendpoint: x\nconditions: []\n';
    expect(parseStatusFile(text, { promise: true })).toEqual({
      patch: { message: 'ready' },
      warnings: [
        "a Promise workflow's /kratix/metadata/status.yaml may only set 'message'; ignored: endpoint, conditions",
      ],
    });
    expect(parseStatusFile('endpoint: x\n', { promise: true }).patch).toBe(
      undefined,
    );
    expect(() => parseStatusFile('kratix: {}\n', { promise: true })).toThrow(
      "'kratix' is a kratix managed status field",
    );
  });
});
