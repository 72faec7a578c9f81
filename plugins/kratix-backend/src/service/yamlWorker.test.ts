import * as yaml from 'yaml';
import { YAML_LIMITS, yamlToJson } from '../engine';
import { YamlWorker } from './yamlWorker';

describe('YamlWorker', () => {
  const workers: YamlWorker[] = [];
  const worker = (options: ConstructorParameters<typeof YamlWorker>[0]) => {
    const made = new YamlWorker(options);
    workers.push(made);
    return made;
  };
  afterEach(() => Promise.all(workers.splice(0).map(w => w.close())));

  it('reads texts as yamlToJson does, each in turn', async () => {
    const texts = ['a: 1\n---\nb: [2]\n', 'a: [', `a: ${'['.repeat(300)}`, ''];
    const parser = worker({ timeoutMs: 10_000 });
    const results = await Promise.all(texts.map(t => parser.parse(t)));
    expect(results).toEqual(texts.map(t => yamlToJson(yaml, t, YAML_LIMITS)));
    expect(results[0]).toEqual([{ json: '{"a":1}' }, { json: '{"b":[2]}' }]);
  });

  it('refuses a text not parsed in time, and reads the next on a new thread', async () => {
    const parser = worker({ timeoutMs: 300 });
    const slow = parser.parse('{a: 1, '.repeat(100_000));
    const next = parser.parse('a: 1');
    expect(await slow).toEqual([
      {
        error:
          'is too complex: not parsed within 300 ms; simplify it, or send JSON',
        rule: 'yaml',
      },
    ]);
    expect(await next).toEqual([{ json: '{"a":1}' }]);
  });

  it('refuses a text that needs more memory than allowed', async () => {
    const parser = worker({ timeoutMs: 60_000, maxHeapMb: 16 });
    const big = `[${'{a: 1}, '.repeat(500_000)}]`;
    expect(await parser.parse(big)).toEqual([
      {
        error: 'is too complex: parsing it needs too much memory',
        rule: 'yaml',
      },
    ]);
    expect(await parser.parse('a: 1')).toEqual([{ json: '{"a":1}' }]);
  });

  it('starts again after close', async () => {
    const parser = worker({ timeoutMs: 10_000 });
    expect(await parser.parse('a: 1')).toEqual([{ json: '{"a":1}' }]);
    await parser.close();
    expect(await parser.parse('b: 2')).toEqual([{ json: '{"b":2}' }]);
  });
});
