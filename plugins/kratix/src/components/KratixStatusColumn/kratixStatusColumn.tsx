import { TableColumn } from '@backstage/core-components';
import { Entity } from '@backstage/catalog-model';
import { isKratixAvailable } from '@kratix-backstage/plugin-kratix-common';
import { KratixStatusCell } from './KratixStatusCell';

/**
 * A column for the catalog's entity table (`CatalogIndexPage`'s
 * `columns`): the Kratix state of the Resources each entity names in
 * `kratix.io/resource-ref` ("1 Ready", "1 Failed, 1 Ready", "1 not
 * found"); empty for other entities.
 *
 * @public
 */
export function kratixStatusColumn<T extends { entity: Entity }>(
  options: { title?: string } = {},
): TableColumn<T> {
  return {
    title: options.title ?? 'Kratix',
    sorting: false,
    // Room for "1 Failed, 1 Ready" without breaking inside a word.
    cellStyle: { minWidth: 160 },
    render: row =>
      isKratixAvailable(row.entity) ? (
        <KratixStatusCell entity={row.entity} />
      ) : null,
  };
}
