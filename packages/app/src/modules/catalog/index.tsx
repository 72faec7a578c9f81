import {
  PageBlueprint,
  coreExtensionData,
  createExtensionInput,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import { CatalogTable } from '@backstage/plugin-catalog';
import catalogPlugin, {
  CatalogIndexPage,
  CatalogTableColumnsFunc,
} from '@backstage/plugin-catalog/alpha';
import { kratixStatusColumn } from '@kratix-backstage/plugin-kratix/alpha';
import CategoryIcon from '@material-ui/icons/Category';

/** The catalog's default columns, then the Kratix status. */
const columns: CatalogTableColumnsFunc = context => [
  ...CatalogTable.defaultColumnsFunc(context),
  kratixStatusColumn(),
];

/**
 * The catalog index page with a Kratix column: `page:catalog` again, with
 * the same filters input and pagination, rendering the catalog's own page.
 */
export const catalogModule = createFrontendModule({
  pluginId: 'catalog',
  extensions: [
    PageBlueprint.makeWithOverrides({
      inputs: {
        filters: createExtensionInput([coreExtensionData.reactElement]),
      },
      factory(originalFactory, { inputs }) {
        return originalFactory({
          path: '/catalog',
          routeRef: catalogPlugin.routes.catalogIndex,
          title: 'Catalog',
          icon: <CategoryIcon fontSize="inherit" />,
          loader: async () => (
            <CatalogIndexPage
              columns={columns}
              pagination
              filters={
                <>
                  {inputs.filters.map(filter =>
                    filter.get(coreExtensionData.reactElement),
                  )}
                </>
              }
            />
          ),
        });
      },
    }),
  ],
});
