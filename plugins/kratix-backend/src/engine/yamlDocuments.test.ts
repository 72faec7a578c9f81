import * as yaml from 'yaml';
import {
  parseYamlDocument,
  singleYamlDocument,
  YAML_LIMITS,
  yamlToJson,
} from './yamlDocuments';

const read = (text: string, limits = YAML_LIMITS) =>
  yamlToJson(yaml, text, limits);

describe('yamlToJson', () => {
  it('reads each document as JSON', () => {
    expect(read('a: 1\nb: [x, {c: .inf}]\n---\n- 2\n---\n')).toEqual([
      { json: '{"a":1,"b":["x",{"c":null}]}' },
      { json: '[2]' },
      { json: 'null' },
    ]);
    expect(read('')).toEqual([{ json: 'null' }]);
  });

  it('says where YAML is not valid', () => {
    expect(read('a: 1\nb: [x\n')).toEqual([
      {
        error: expect.stringMatching(
          /^not valid YAML: .* at line 3, column 1$/,
        ),
        rule: 'yaml',
      },
    ]);
  });

  it('refuses a document nested too deep before composing it, saying where', () => {
    const limits = { ...YAML_LIMITS, maxDepth: 3 };
    expect(read('a: [[x]]', limits)).toEqual([{ json: '{"a":[["x"]]}' }]);
    expect(read('a: [[[x]]]', limits)).toEqual([
      {
        error: 'is nested deeper than 3 levels at line 1, column 6',
        rule: 'max-depth',
      },
    ]);
    expect(read('a:\n  b:\n    c:\n      d: 1\n', limits)[0]).toMatchObject({
      error: 'is nested deeper than 3 levels at line 4, column 7',
    });
    expect(read('- - - - x', limits)[0]).toMatchObject({
      error: 'is nested deeper than 3 levels at line 1, column 7',
    });
    expect(read('? [[[x]]]\n: 1', limits)[0]).toMatchObject({
      rule: 'max-depth',
    });
  });

  it('refuses only the documents nested too deep', () => {
    const limits = { ...YAML_LIMITS, maxDepth: 2 };
    expect(read('a: 1\n---\na: [[1]]\n---\nb: 2\n', limits)).toEqual([
      { json: '{"a":1}' },
      { error: expect.stringMatching(/^is nested deeper/), rule: 'max-depth' },
      { json: '{"b":2}' },
    ]);
  });

  it('survives very deep documents again and again', () => {
    // Composing these recursively overflowed the stack, and V8 aborted
    // the whole process on the second one.
    for (const text of [
      '['.repeat(5000),
      '{a: ['.repeat(2000),
      '- '.repeat(5000),
    ]) {
      for (let i = 0; i < 3; i++) {
        expect(read(text)[0]).toMatchObject({ rule: 'max-depth' });
      }
    }
  });

  it('bounds what aliases expand to', () => {
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
`;
    expect(read(bomb)[0]).toMatchObject({
      error: expect.stringMatching(/^not valid YAML: .*alias/i),
    });
    const wide = `a: &a "${'x'.repeat(1000)}"\nb: [${'*a, '.repeat(50)}]`;
    expect(read(wide, { ...YAML_LIMITS, maxJsonLength: 10_000 })[0]).toEqual({
      error:
        'not valid YAML: its aliases expand it to more than 10000 characters of JSON',
      rule: 'aliases',
    });
    // Anchors holding aliases nest what they point at: 5 anchors of 30
    // levels make 150 (a3 is the first past 100), refused with the path.
    const wrap = (inner: string) =>
      `${'['.repeat(30)}${inner}${']'.repeat(30)}`;
    let text = `a0: &a0 ${wrap('x')}\n`;
    for (let i = 1; i < 5; i++) text += `a${i}: &a${i} ${wrap(`*a${i - 1}`)}\n`;
    const [deep] = read(text);
    expect(deep).toHaveProperty('json');
    expect(() => singleYamlDocument([deep], 'Resource')).toThrow(
      /^Invalid Resource: a3: is nested deeper than 100 levels at a3\[0\]\[0\]/,
    );
  });
});

describe('parseYamlDocument', () => {
  it('reads one document', () => {
    expect(parseYamlDocument('kind: Promise\n', 'Promise')).toEqual({
      kind: 'Promise',
    });
  });

  it.each([
    ['a: [', /^Invalid Promise: \(root\): not valid YAML: /],
    [
      'a: 1\n---\nb: 2\n',
      /not valid YAML: it holds multiple documents; send one Promise/,
    ],
    [
      'a: '.concat('['.repeat(200)),
      /^Invalid Promise: \(root\): is nested deeper than 100 levels at line 1, column 103$/,
    ],
  ])('refuses %p', (text, message) => {
    expect(() => parseYamlDocument(text, 'Promise')).toThrow(message);
  });
});
