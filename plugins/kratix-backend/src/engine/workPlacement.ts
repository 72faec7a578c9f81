// Scheduling a pipeline's Works to Destinations (spec section 7), as
// upstream's work-creator (workload groups) and scheduler (placements).
import { createHash } from 'node:crypto';
import { Destination, OutputFile, WorkPlacement } from './interfaces';
import { matchingDestinations } from './destinations';
import { PipelineDestinationSelector } from './outputs';
import { DestinationSelector } from './promise';

/** Files of one directory of output/, scheduled together. */
export interface WorkloadGroup {
  /** A top-level directory of output/, or '.' for the rest. */
  directory: string;
  /** md5 of `directory`, as upstream. */
  id: string;
  files: OutputFile[];
  /** The labels a Destination needs, once selectors are combined. */
  matchLabels: Record<string, string>;
}

export const ROOT_DIRECTORY = '.';

/** Upstream's workload group id: the md5 of its directory, in hex. */
export function groupId(directory: string): string {
  return createHash('md5').update(directory).digest('hex');
}

/**
 * The Promise's `destinationSelectors` as one set of labels: on a clash
 * the first entry wins, as upstream.
 */
export function squashSelectors(
  selectors: DestinationSelector[],
): Record<string, string> {
  return Object.assign({}, ...[...selectors].reverse().map(s => s.matchLabels));
}

/**
 * Splits a pipeline's files into workload groups, as upstream: each
 * directory listed in destination-selectors.yaml is a group with that
 * entry's labels only; the other files form the root group, whose labels
 * are the root entry's with the Promise's on top (the Promise's take
 * precedence). Groups without files are left out.
 */
export function workloadGroups(options: {
  files: OutputFile[];
  selectors: PipelineDestinationSelector[];
  promiseSelectors: DestinationSelector[];
}): WorkloadGroup[] {
  const { files, selectors } = options;
  const scoped = selectors.filter(s => s.directory !== undefined);
  const root = selectors.find(s => s.directory === undefined);
  const groups: WorkloadGroup[] = scoped.map(s => ({
    directory: s.directory!,
    id: groupId(s.directory!),
    files: files.filter(f => f.path.startsWith(`${s.directory}/`)),
    matchLabels: s.matchLabels,
  }));
  const taken = new Set(groups.flatMap(g => g.files));
  groups.push({
    directory: ROOT_DIRECTORY,
    id: groupId(ROOT_DIRECTORY),
    files: files.filter(f => !taken.has(f)),
    matchLabels: {
      ...root?.matchLabels,
      ...squashSelectors(options.promiseSelectors),
    },
  });
  return groups.filter(g => g.files.length > 0);
}

/**
 * Rendezvous hashing: the candidate whose name hashed with `key` is
 * highest. Stable for one key and candidate set, and spreads keys evenly.
 */
export function chooseDestination(
  candidates: Destination[],
  key: string,
): Destination | undefined {
  let best: { d: Destination; score: string } | undefined;
  for (const d of candidates) {
    const score = createHash('sha256')
      .update(`${key}\n${d.name}`)
      .digest('hex');
    if (!best || score > best.score) best = { d, score };
  }
  return best?.d;
}

/** Where one group goes, and where it stays though it no longer matches. */
export interface GroupPlacement {
  targets: string[];
  /** Kept from an earlier run, but their labels no longer match. */
  misplaced: string[];
}

/**
 * Places one workload group. A Promise's group goes to every matching
 * Destination, and stays where it was. A Resource's group goes to one:
 * where it was placed before while that Destination is configured; else a
 * matching one the Resource already uses (the first by name); else one
 * chosen by `chooseDestination` with the Resource's `key`.
 */
export function placeGroup(options: {
  type: 'resource' | 'promise';
  group: WorkloadGroup;
  pipeline: string;
  destinations: Destination[];
  /** The object's placements from earlier runs. */
  previous: WorkPlacement[];
  key: string;
}): GroupPlacement {
  const { group, destinations, previous } = options;
  const candidates = matchingDestinations(destinations, group.matchLabels);
  const matching = new Set(candidates.map(d => d.name));
  const configured = new Set(destinations.map(d => d.name));
  const before = previous
    .filter(
      p =>
        p.pipeline === options.pipeline &&
        p.groupId === group.id &&
        configured.has(p.destination),
    )
    .map(p => p.destination);
  let targets: string[];
  if (options.type === 'promise') {
    targets = [...new Set([...candidates.map(d => d.name), ...before])];
  } else if (before.length > 0) {
    targets = [before[0]];
  } else {
    const used = new Set(previous.map(p => p.destination));
    const byName = [...candidates].sort((a, b) => a.name.localeCompare(b.name));
    const chosen =
      byName.find(d => used.has(d.name)) ??
      chooseDestination(candidates, options.key);
    targets = chosen ? [chosen.name] : [];
  }
  targets.sort();
  return { targets, misplaced: targets.filter(t => !matching.has(t)) };
}
