// Reads YAML documents safely: depth-checked before the (recursive)
// composer sees them, aliases and size bounded, as JSON text.
import * as yamlModule from 'yaml';
import { KratixValidationError } from './errors';
import { checkDepth, MAX_DEPTH } from './depth';

export interface YamlLimits {
  /** Deepest nesting of collections; the document itself is level 1. */
  maxDepth: number;
  /** Aliases a document may expand, as `yaml`'s `maxAliasCount`. */
  maxAliasCount: number;
  /** Longest JSON a document may become (aliases copy what they point at). */
  maxJsonLength: number;
}

export const YAML_LIMITS: YamlLimits = {
  maxDepth: MAX_DEPTH,
  maxAliasCount: 100,
  maxJsonLength: 2 * 1024 * 1024,
};

/** One document as JSON text, or why it was refused (`rule` as in errors). */
export type YamlDocumentResult =
  | { json: string }
  | { error: string; rule: 'yaml' | 'max-depth' | 'aliases' };

/**
 * The documents of a YAML text, as JSON. A document nested deeper than
 * `maxDepth` is refused from its syntax tree: composing it would recurse
 * once per level, and V8 aborts the process on some stack overflows.
 *
 * Self-contained (a worker thread runs its source text): it uses only its
 * arguments, `yaml` being the `yaml` package.
 */
export function yamlToJson(
  yaml: typeof yamlModule,
  text: string,
  limits: YamlLimits,
): YamlDocumentResult[] {
  const lines = new yaml.LineCounter();
  const tokens = Array.from(new yaml.Parser(lines.addNewLine).parse(text));
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `at line ${line}, column ${col}`;
  };
  // The offset of a collection nested too deep in a document, walked with
  // its own stack; the document's value is level 1.
  const tooDeep = (doc: yamlModule.CST.Document) => {
    const stack: Array<[yamlModule.CST.Token | null | undefined, number]> = [
      [doc.value, 1],
    ];
    while (stack.length > 0) {
      const [token, depth] = stack.pop()!;
      if (!token || !('items' in token)) continue;
      if (depth > limits.maxDepth) return token.offset;
      for (const item of token.items) {
        stack.push([item.key, depth + 1], [item.value, depth + 1]);
      }
    }
    return undefined;
  };
  const refused = new Map<number, YamlDocumentResult>();
  let index = 0;
  for (const token of tokens) {
    if (token.type !== 'document') continue;
    const offset = tooDeep(token);
    if (offset !== undefined) {
      refused.set(index, {
        error: `is nested deeper than ${limits.maxDepth} levels ${at(offset)}`,
        rule: 'max-depth',
      });
      token.value = undefined;
    }
    index++;
  }

  const composer = new yaml.Composer();
  const docs = Array.from(composer.compose(tokens, true, text.length));
  return docs.map((doc, i): YamlDocumentResult => {
    const refusal = refused.get(i);
    if (refusal) return refusal;
    const invalid = (message: string): YamlDocumentResult => ({
      error: `not valid YAML: ${message}`,
      rule: 'yaml',
    });
    if (doc.errors.length > 0) {
      const first = doc.errors[0];
      return invalid(`${first.message} ${at(first.pos[0])}`);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount }) ?? null;
    } catch (e) {
      return { ...invalid((e as Error).message), rule: 'aliases' };
    }
    // Aliases in anchors nest what they point at; yaml's alias limit
    // keeps that to a few hundred levels, which the caller then refuses.
    const json = JSON.stringify(value);
    if (json.length > limits.maxJsonLength) {
      return {
        ...invalid(
          `its aliases expand it to more than ${limits.maxJsonLength} characters of JSON`,
        ),
        rule: 'aliases',
      };
    }
    return { json };
  });
}

/**
 * The value of the only document in `results`; throws a
 * `KratixValidationError` when there are several, or it was refused, or it
 * nests deeper than `MAX_DEPTH`.
 */
export function singleYamlDocument(
  results: YamlDocumentResult[],
  kind: string,
): unknown {
  const fail = (message: string, rule = 'yaml'): never => {
    throw new KratixValidationError({ kind, path: '(root)', rule, message });
  };
  if (results.length > 1) {
    fail(`not valid YAML: it holds multiple documents; send one ${kind}`);
  }
  const [result] = results;
  if ('error' in result) return fail(result.error, result.rule);
  const value = JSON.parse(result.json);
  checkDepth(value, kind);
  return value;
}

/** Reads one YAML (or JSON) document of a `kind` into a plain value. */
export function parseYamlDocument(text: string, kind: string): unknown {
  return singleYamlDocument(yamlToJson(yamlModule, text, YAML_LIMITS), kind);
}
