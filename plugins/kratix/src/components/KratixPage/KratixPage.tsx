import { Content, Header, Page } from '@backstage/core-components';
import { Route, Routes, useParams } from 'react-router-dom';
import { KratixOverview } from './KratixOverview';
import { KratixResourceView } from './KratixResourceView';

/** @public */
export interface KratixPageProps {
  /**
   * The cluster to read (Kubernetes mode with several clusters: the
   * backend's `/clusters/<cluster>` routes). Default: the backend's default.
   */
  cluster?: string;
  /** How often the Promises and Resources are read again. Default 30 s. */
  pollIntervalMs?: number;
}

const DEFAULT_PAGE_POLL_MS = 30_000;

const ResourceRoute = (props: KratixPageProps) => {
  const { promise = '', namespace = '', name = '' } = useParams();
  return (
    <KratixResourceView
      resourceRef={{ cluster: props.cluster, promise, namespace, name }}
    />
  );
};

/**
 * The Kratix page for platform engineers: every Promise with its API,
 * status, health and Resource counts; the Resources across Promises,
 * filterable and sortable; and a view of a Resource no entity names.
 *
 * @public
 */
export const KratixPage = (props: KratixPageProps) => (
  <Page themeId="tool">
    <Header
      title="Kratix"
      subtitle={`Promises and the Resources requested from them${
        props.cluster ? ` on cluster ${props.cluster}` : ''
      }`}
    />
    <Content>
      <Routes>
        <Route
          path="/"
          element={
            <KratixOverview
              cluster={props.cluster}
              pollIntervalMs={props.pollIntervalMs ?? DEFAULT_PAGE_POLL_MS}
            />
          }
        />
        <Route
          path="/resources/:promise/:namespace/:name"
          element={<ResourceRoute {...props} />}
        />
      </Routes>
    </Content>
  </Page>
);
