import express, { RequestHandler } from 'express';
import { InputError } from '@backstage/errors';
import { checkDepth, singleYamlDocument } from '../engine';
import { YamlWorker } from './yamlWorker';

/** Largest request body accepted. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The CPU time a YAML body may take to parse (off the event loop). */
export const YAML_PARSE_TIMEOUT_MS = 2000;

const yamlWorker = new YamlWorker({ timeoutMs: YAML_PARSE_TIMEOUT_MS });

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

/** Turns body-parser failures into errors that say what was wrong. */
function explained(parser: RequestHandler, format: string): RequestHandler {
  return (req, res, next) =>
    parser(req, res, (err?: any) => {
      if (!err) return next();
      if (err.type === 'entity.too.large') {
        const e = new InputError(
          `Request body is larger than the limit of ${MAX_BODY_BYTES} bytes`,
        );
        (e as any).statusCode = 413;
        return next(e);
      }
      return next(
        new InputError(`Request body is not valid ${format}: ${err.message}`),
      );
    });
}

/** JSON, and YAML as text (`Content-Type: application/yaml`). */
export function bodyParsers(): RequestHandler[] {
  return [
    explained(express.json({ limit: MAX_BODY_BYTES }), 'JSON'),
    explained(
      express.text({ type: YAML_TYPES, limit: MAX_BODY_BYTES }),
      'YAML',
    ),
  ];
}

/**
 * The request's document, parsed from JSON or YAML (on a worker thread),
 * nested at most `MAX_DEPTH` levels.
 */
export async function parseBody(
  req: express.Request,
  kind: string,
): Promise<unknown> {
  const body = req.body;
  if (typeof body === 'string') {
    return singleYamlDocument(await yamlWorker.parse(body), kind);
  }
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    if (Object.keys(body).length > 0) {
      checkDepth(body, kind);
      return body;
    }
  }
  throw new InputError(
    `Request body must be a ${kind} document, as JSON (Content-Type: application/json) or YAML (Content-Type: application/yaml)`,
  );
}

/** What a PUT to the path writes, to name it in errors. */
function kindOf(path: string): string {
  if (path.includes('/healthrecords/')) return 'HealthRecord';
  return path.includes('/resources/') ? 'Resource' : 'Promise';
}

/**
 * Replaces a PUT's body with its document (see `parseBody`), so that the
 * OpenAPI validator checks YAML as it checks JSON.
 */
export function readBodies(): RequestHandler {
  return (req, _res, next) => {
    if (req.method !== 'PUT') return next();
    return parseBody(req, kindOf(req.path)).then(document => {
      req.body = document;
      next();
    }, next);
  };
}
