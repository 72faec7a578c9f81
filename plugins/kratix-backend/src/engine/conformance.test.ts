// Runs the conformance cases through the real engine: the shared ones
// (../shared/conformance), the repo's own (conformance/, see its README)
// and those in KRATIX_CONFORMANCE_DIR (see __testUtils__/conformance.ts).
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parsePromise } from './promise';
import { validateResource } from './resourceValidation';
import { SHARED_DIR } from './__testUtils__/fakes';
import {
  conformanceFiles,
  conformanceTests,
  runEmbeddedCase,
  yamlFiles,
} from './__testUtils__/conformance';

const PROMISES_DIR = path.join(SHARED_DIR, 'conformance', 'promises');

describe.each(conformanceFiles())('conformance cases in %s', file => {
  const tests = conformanceTests(file, runEmbeddedCase);
  it('has uniquely named cases', () => {
    expect(tests.duplicateNames()).toEqual([]);
  });
  it.each(tests.cases)('%s', async (_name, c) => {
    expect(await tests.check(c)).toEqual([]);
  });
});

describe('conformance Promises', () => {
  const promiseFiles = yamlFiles(PROMISES_DIR).filter(f =>
    f.endsWith('-promise.yaml'),
  );

  it('finds the Promise files', () => {
    expect(promiseFiles.length).toBeGreaterThan(0);
  });

  it.each(promiseFiles.map(f => [path.basename(f), f]))(
    'parses %s and lists its workflows',
    (_name, file) => {
      const promise = parsePromise(fs.readFileSync(file, 'utf8'));
      const listed = Object.entries(promise.workflows).flatMap(
        ([type, actions]) =>
          Object.entries(actions).flatMap(([action, pipelines]) =>
            pipelines.map(
              p =>
                `${type}.${action}: ${p.name} (${p.containers
                  .map(c => c.image)
                  .join(', ')})`,
            ),
          ),
      );
      expect(listed.length).toBeGreaterThan(0);
      expect(listed.join('\n')).toMatch(
        /^resource\.configure: instance-configure \(\S+\)/,
      );
      expect(promise.api?.version).toMatch(/^v1/);
    },
  );

  const requests = yamlFiles(PROMISES_DIR).filter(f =>
    f.endsWith('-resource-request.yaml'),
  );
  it.each(requests.map(f => [path.basename(f), f]))(
    'validates %s against its Promise',
    (_name, file) => {
      const promise = parsePromise(
        fs.readFileSync(
          file.replace(/-resource-request\.yaml$/, '-promise.yaml'),
          'utf8',
        ),
      );
      const request = parse(fs.readFileSync(file, 'utf8'));
      expect(validateResource(promise, request)).toEqual(
        expect.objectContaining(request.spec),
      );
    },
  );
});
