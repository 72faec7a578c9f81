// Where the Works of each object went (spec section 7), kept so that a
// Resource's Work stays on its Destination.
import { WorkPlacement } from '../engine';
import { ObjectKey } from './ObjectStore';

export interface WorkPlacementStore {
  /** The object's placements, every pipeline's. */
  listWorkPlacements(key: ObjectKey): Promise<WorkPlacement[]>;
  /** Replaces the placements of one pipeline of the object. */
  replaceWorkPlacements(
    key: ObjectKey,
    pipeline: string,
    placements: WorkPlacement[],
  ): Promise<void>;
}
