// Writes an object's Works for one pipeline to the Destinations that
// scheduling picks, and removes those it no longer writes (spec section 7).
import {
  Destination,
  StateStore,
  WorkPlacement,
  WorkPlacements,
} from './interfaces';
import { workloadPath } from './outputs';
import { WorkloadGroup, placeGroup } from './workPlacement';

export interface WriteWorksOptions {
  type: 'resource' | 'promise';
  promise: string;
  name: string;
  namespace?: string;
  /** '' for a Promise's `spec.dependencies`. */
  pipeline: string;
  groups: WorkloadGroup[];
  destinations: Destination[];
  stateStore: StateStore;
  /** Earlier placements; without it, each run schedules afresh. */
  placements?: WorkPlacements;
  warn(message: string): void;
}

/**
 * Places each group (see placeGroup), writes it to its Destinations,
 * deletes what this pipeline wrote before and no longer places, and keeps
 * the new placements. Returns false when some group matched no
 * Destination.
 */
export async function writeWorks(options: WriteWorksOptions): Promise<boolean> {
  const { pipeline, stateStore } = options;
  const previous = (await options.placements?.list()) ?? [];
  const key = `${options.namespace ?? 'default'}/${options.promise}/${
    options.name
  }`;
  const path = (groupId: string) => workloadPath({ ...options, groupId });
  const placed: WorkPlacement[] = [];
  const unplaced: string[] = [];
  for (const group of options.groups) {
    const { targets, misplaced } = placeGroup({
      ...options,
      group,
      previous,
      key,
    });
    if (targets.length === 0) {
      unplaced.push(...group.files.map(f => f.path));
    }
    if (misplaced.length > 0) {
      options.warn(
        `the Destinations ${misplaced.join(
          ', ',
        )} no longer match the selectors of ${describe(
          group,
        )}; its Works stay there`,
      );
    }
    for (const destination of targets) {
      await stateStore.writeWorkload({
        destination,
        workloadPath: path(group.id),
        files: group.files,
      });
      placed.push({ pipeline, groupId: group.id, destination });
    }
  }
  const kept = new Set(placed.map(p => `${p.groupId}/${p.destination}`));
  for (const old of previous) {
    if (old.pipeline !== pipeline) continue;
    if (kept.has(`${old.groupId}/${old.destination}`)) continue;
    await stateStore.deleteWorkload({
      workloadPath: path(old.groupId),
      destination: old.destination,
    });
  }
  await options.placements?.replace(pipeline, placed);
  if (unplaced.length > 0) {
    options.warn(
      `no Destination matches the outputs ${unplaced.join(
        ', ',
      )}; they are not placed`,
    );
  }
  return unplaced.length === 0;
}

function describe(group: WorkloadGroup): string {
  return group.directory === '.'
    ? 'the outputs'
    : `the directory ${group.directory}`;
}
