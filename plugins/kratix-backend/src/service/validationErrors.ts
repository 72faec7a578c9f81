import { ErrorRequestHandler } from 'express';
import { InputError } from '@backstage/errors';
import { DNS_LABEL, DNS_SUBDOMAIN } from '../engine';

/** Where the OpenAPI validator says a value was, in this API's words. */
const PLACES: Record<string, string> = {
  params: 'path',
  query: 'query',
  body: 'body',
  headers: 'header',
};

/** One problem of the validator's message: `request/<place>/<a/b> <text>`. */
const PROBLEM =
  /request\/(params|query|body|headers)((?:\/[^\s]*)?) (.*?)(?=, request\/|$)/gs;

/** The validator says "must match pattern"; say which names those are. */
function rule(text: string): string {
  for (const name of [DNS_LABEL, DNS_SUBDOMAIN]) {
    if (text === `must match pattern "${name.pattern.source}"`) {
      return `must be ${name.description}`;
    }
  }
  return text;
}

/**
 * Rewrites the OpenAPI validator's errors (`request/params/name must match
 * pattern "…"`) as `Invalid path.name: must be lowercase letters, …`: the
 * field, then the rule, one per problem.
 */
export function explainValidationErrors(): ErrorRequestHandler {
  return (error, _req, _res, next) => {
    if (error?.name !== 'InputError' || !/^request\//.test(error.message)) {
      return next(error);
    }
    const problems = [...error.message.matchAll(PROBLEM)].map(
      ([, place, path, text]) => {
        const field = [PLACES[place], ...path.split('/').filter(Boolean)];
        return `Invalid ${field.join('.')}: ${rule(text)}`;
      },
    );
    return next(
      new InputError(problems.length ? problems.join('; ') : error.message),
    );
  };
}
