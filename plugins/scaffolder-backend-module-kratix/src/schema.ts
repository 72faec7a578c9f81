import { InputError } from '@backstage/errors';
import {
  ResourceRef,
  parseResourceRef,
} from '@kratix-backstage/plugin-kratix-common';
import type { ActionsRegistryActionOptions } from '@backstage/backend-plugin-api/alpha';

/** The zod that Backstage hands to action schemas (scaffolder and registry). */
type Z = Parameters<
  ActionsRegistryActionOptions<any, any>['schema']['input']
>[0];

/**
 * Input fields shared by the scaffolder actions and the actions-registry
 * actions, as zod callbacks.
 */
export const inputs = {
  promise: (z: Z) =>
    z
      .string({ description: 'Name of the Promise to request, e.g. `iam`' })
      .min(1),
  name: (z: Z) =>
    z.string({ description: 'Name of the Resource (metadata.name)' }).min(1),
  namespace: (z: Z) =>
    z
      .string({ description: 'Namespace of the Resource; default `default`' })
      .optional(),
  cluster: (z: Z) =>
    z
      .string({
        description:
          'The cluster that holds the Promise (Kubernetes mode with several clusters); default the only one',
      })
      .optional(),
  updateExisting: (z: Z) =>
    z
      .boolean({
        description:
          'Update the Resource if it exists already; by default a request for an existing Resource fails, so that a template never changes a Resource it did not create',
      })
      .optional(),
  // any, not unknown: action inputs and outputs must be JsonObjects
  spec: (z: Z) =>
    z.record(z.any(), {
      description:
        "The Resource's spec; validated against the Promise's API schema",
    }),
  labels: (z: Z) =>
    z.record(z.string(), { description: 'Labels of the Resource' }).optional(),
  annotations: (z: Z) =>
    z
      .record(z.string(), { description: 'Annotations of the Resource' })
      .optional(),
  resourceRef: (z: Z) =>
    z.string({
      description:
        'The Resource, as `<promise>/<namespace>/<name>` (or `<promise>/<name>` for namespace `default`; `<cluster>/<promise>/<namespace>/<name>` in Kubernetes mode with several clusters)',
    }),
  condition: (z: Z) =>
    z
      .string({
        description:
          'Condition that must become True for the current generation; default `ConfigureWorkflowCompleted` (the legacy `PipelineCompleted` means the same)',
      })
      .optional(),
  timeout: (z: Z) =>
    z
      .union([z.number().positive(), z.string()], {
        description:
          'How long to wait: seconds (`90`) or a duration (`30s`, `5m`, `1h`); default 10 minutes',
      })
      .optional(),
  wait: (z: Z) =>
    z
      .boolean({
        description:
          'Wait until the Resource is gone; fails if its delete workflow fails',
      })
      .optional(),
};

export const outputs = {
  resourceRef: (z: Z) =>
    z.string({
      description:
        'The Resource as `<promise>/<namespace>/<name>` (`<cluster>/...` when a cluster was named): the value for the `kratix.io/resource-ref` annotation',
    }),
  generation: (z: Z) =>
    z.number({
      description: "The Resource's metadata.generation (0 in a dry run)",
    }),
  message: (z: Z) => z.string({ description: "The Resource's status.message" }),
  status: (z: Z) =>
    z.record(z.any(), {
      description: "The Resource's whole status, pipeline outputs included",
    }),
};

/** Parses a `resourceRef` input, as an input error when malformed. */
export function toResourceRef(value: string): ResourceRef {
  try {
    return parseResourceRef(value);
  } catch (e) {
    throw new InputError((e as Error).message);
  }
}
