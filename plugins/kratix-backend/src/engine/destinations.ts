// Destinations: their configuration and which of them a Work's labels
// select (spec section 7), as upstream's Destination and scheduler.
import { z } from 'zod';
import { Destination, FilepathMode } from './interfaces';

export const FILEPATH_MODES = [
  'nestedByMetadata',
  'aggregatedYAML',
  'none',
] as const satisfies readonly FilepathMode[];

/** Upstream's file name in `aggregatedYAML` mode. */
export const DEFAULT_AGGREGATED_FILENAME = 'aggregated.yaml';

/** A folder name: no '/', and not hidden (the store keeps `.kratix*` for itself). */
const folderName = z
  .string()
  .regex(/^[^/\\.][^/\\]*$/, 'must be a folder name, not starting with "."');

const destinationSchema = z.strictObject({
  name: folderName,
  labels: z.record(z.string(), z.string()).optional(),
  strictMatchLabels: z.boolean().optional(),
  filepath: z
    .strictObject({
      mode: z.enum(FILEPATH_MODES).optional(),
      filename: z
        .string()
        .regex(
          /^(?!\.)(?!.*(^|\/)\.\.?(\/|$))[^\\]+$/,
          'must be a relative path inside the Destination',
        )
        .optional(),
    })
    .optional(),
});

/**
 * Checks the configured Destinations (`kratix.destinations`), naming the
 * entry and field of the first error.
 */
export function parseDestinations(raw: unknown[]): Destination[] {
  const seen = new Set<string>();
  return raw.map((entry, i) => {
    const parsed = destinationSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.length ? `.${issue.path.join('.')}` : '';
      throw new Error(
        `Invalid config kratix.destinations[${i}]${field}: ${issue.message}`,
      );
    }
    const { name, labels = {}, strictMatchLabels, filepath } = parsed.data;
    if (seen.has(name)) {
      throw new Error(
        `Invalid config kratix.destinations[${i}].name: '${name}' is used twice`,
      );
    }
    seen.add(name);
    const mode = filepath?.mode ?? 'nestedByMetadata';
    if (filepath?.filename && mode !== 'aggregatedYAML') {
      throw new Error(
        `Invalid config kratix.destinations[${i}].filepath.filename: only for mode aggregatedYAML`,
      );
    }
    return {
      name,
      labels,
      ...(strictMatchLabels && { strictMatchLabels }),
      filepath: {
        mode,
        ...(mode === 'aggregatedYAML' && {
          filename: filepath?.filename ?? DEFAULT_AGGREGATED_FILENAME,
        }),
      },
    };
  });
}

/** The Destination's `filepath.mode`, `nestedByMetadata` when not given. */
export function filepathMode(destination?: Destination): FilepathMode {
  return destination?.filepath?.mode ?? 'nestedByMetadata';
}

/**
 * The Destinations that `labels` select, as upstream: every label must be
 * on the Destination. Without labels, every Destination but those with
 * `strictMatchLabels` and labels of their own.
 */
export function matchingDestinations(
  destinations: Destination[],
  labels: Record<string, string>,
): Destination[] {
  const entries = Object.entries(labels);
  return destinations.filter(d =>
    entries.length === 0
      ? !(d.strictMatchLabels && Object.keys(d.labels).length > 0)
      : entries.every(([k, v]) => d.labels[k] === v),
  );
}
