// Loads the Resources a permission request names by resourceRef.
import {
  parseResourceRef,
  ResourceRef,
} from '@kratix-backstage/plugin-kratix-common';
import { KratixApi } from '../service/KratixApi';
import { KratixResourceEntry } from './resourceRef';

type ApiFor = (cluster?: string) => KratixApi;

/** The Resource a ref names; none when it (or its Promise) is missing. */
export async function loadResourceEntry(
  apiFor: ApiFor,
  ref: ResourceRef,
): Promise<KratixResourceEntry | undefined> {
  try {
    const resource = await apiFor(ref.cluster).getResource(
      ref.promise,
      ref.namespace,
      ref.name,
    );
    return { ref, resource };
  } catch (e) {
    if ((e as Error).name === 'NotFoundError') return undefined;
    throw e;
  }
}

/**
 * The resource type's `getResources`: refs as `stringifyResourceRef` makes
 * them; a ref that is not one names no Resource.
 */
export function resourceEntriesLoader(apiFor: ApiFor) {
  return (refs: string[]) =>
    Promise.all(
      refs.map(value => {
        let ref: ResourceRef;
        try {
          ref = parseResourceRef(value);
        } catch {
          return undefined;
        }
        return loadResourceEntry(apiFor, ref);
      }),
    );
}
