import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ResourceRef,
  getEntityResourceRefs,
  isKratixAvailable,
} from '@kratix-backstage/plugin-kratix-common';
import { useMemo } from 'react';

/** The Resources the current entity names in `kratix.io/resource-ref`. */
export function useEntityResourceRefs(): {
  available: boolean;
  refs: ResourceRef[];
  error?: Error;
} {
  const { entity } = useEntity();
  return useMemo(() => {
    if (!isKratixAvailable(entity)) {
      return { available: false, refs: [] };
    }
    try {
      return { available: true, refs: getEntityResourceRefs(entity) };
    } catch (e) {
      return { available: true, refs: [], error: e as Error };
    }
  }, [entity]);
}
