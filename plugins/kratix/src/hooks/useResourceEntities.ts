import { useApiHolder } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  CATALOG_FILTER_EXISTS,
  catalogApiRef,
} from '@backstage/plugin-catalog-react';
import { KRATIX_RESOURCE_REF_ANNOTATION } from '@kratix-backstage/plugin-kratix-common';
import { useEffect, useState } from 'react';
import { entitiesByResource } from '../lib/entityLinks';

/**
 * The catalog entity of each Resource, from the entities that carry
 * `kratix.io/resource-ref` (one catalog query, annotations only). Empty
 * while loading, without a catalog, or when the catalog cannot be read:
 * the page then links its own Resource view.
 */
export function useResourceEntities(): Map<string, CompoundEntityRef> {
  const catalogApi = useApiHolder().get(catalogApiRef);
  const [links, setLinks] = useState(
    () => new Map<string, CompoundEntityRef>(),
  );
  useEffect(() => {
    if (!catalogApi) return undefined;
    let cancelled = false;
    catalogApi
      .getEntities({
        filter: {
          [`metadata.annotations.${KRATIX_RESOURCE_REF_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          // Not the annotation alone: its key has a dot.
          'metadata.annotations',
        ],
      })
      .then(
        ({ items }) => !cancelled && setLinks(entitiesByResource(items)),
        () => undefined,
      );
    return () => {
      cancelled = true;
    };
  }, [catalogApi]);
  return links;
}
