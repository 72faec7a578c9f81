import { InputError, NotFoundError } from '@backstage/errors';
import { explainValidationErrors } from './validationErrors';

/** What the handler passes on for an error. */
function explain(error: Error): Error {
  let passed: Error | undefined;
  explainValidationErrors()(error, {} as any, {} as any, e => {
    passed = e;
  });
  return passed!;
}

describe('explainValidationErrors', () => {
  it('names the field and the rule, in the words of the name rules', () => {
    const pattern = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
    expect(
      explain(
        new InputError(
          `request/params/namespace must match pattern "${pattern}"`,
        ),
      ).message,
    ).toBe(
      'Invalid path.namespace: must be lowercase letters, digits or "-", starting and ending with a letter or digit',
    );
  });

  it('keeps each of several problems, commas in their text included', () => {
    const error = explain(
      new InputError(
        'request/body/data/state must be equal to one of the allowed values: ready, healthy, request/query/limit must be integer',
      ),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      'Invalid body.data.state: must be equal to one of the allowed values: ready, healthy; Invalid query.limit: must be integer',
    );
    expect(explain(new InputError('request/body must be object')).message).toBe(
      'Invalid body: must be object',
    );
  });

  it('passes other errors on as they are', () => {
    const notFound = new NotFoundError('Promise x not found');
    expect(explain(notFound)).toBe(notFound);
    const input = new InputError('Request body must be a Promise document');
    expect(explain(input)).toBe(input);
  });
});
