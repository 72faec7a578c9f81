import { useEntity } from '@backstage/plugin-catalog-react';
import {
  KRATIX_RESOURCE_REF_ANNOTATION,
  ResourceRef,
  isKratixAvailable,
  parseResourceRefsTolerant,
} from '@kratix-backstage/plugin-kratix-common';
import { useMemo } from 'react';

/**
 * The Resources the current entity names in `kratix.io/resource-ref`; a
 * bad part does not hide the valid ones, it is named in `invalid`.
 */
export function useEntityResourceRefs(): {
  available: boolean;
  refs: ResourceRef[];
  invalid: Array<{ value: string; message: string }>;
} {
  const { entity } = useEntity();
  return useMemo(() => {
    if (!isKratixAvailable(entity)) {
      return { available: false, refs: [], invalid: [] };
    }
    const value =
      entity.metadata.annotations?.[KRATIX_RESOURCE_REF_ANNOTATION] ?? '';
    return { available: true, ...parseResourceRefsTolerant(value) };
  }, [entity]);
}
