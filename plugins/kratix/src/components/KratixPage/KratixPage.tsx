import { Content, Header, Page, Progress } from '@backstage/core-components';
import { ReactRouterV6PageRouter } from '@backstage/frontend-adapter-react-router-v6';
import { ReactNode } from 'react';
import { Route, Routes, useParams } from 'react-router-dom';
import { KratixOverview } from './KratixOverview';
import { KratixResourceView } from './KratixResourceView';
import { ClusterPicker } from './ClusterPicker';
import { useClusterChoice } from '../../hooks/useClusterChoice';

/** @public */
export interface KratixPageProps {
  /**
   * The cluster to read (Kubernetes mode with several clusters: the
   * backend's `/clusters/<cluster>` routes). Default: the URL's
   * `?cluster=`, chosen on the page when the backend has several, else
   * the first of them, else the backend's only one.
   */
  cluster?: string;
  /** How often the Promises and Resources are read again. Default 30 s. */
  pollIntervalMs?: number;
}

const DEFAULT_PAGE_POLL_MS = 30_000;

const onCluster = (cluster?: string) =>
  cluster ? ` on cluster ${cluster}` : '';

/** Backstage's page frame, with the page's own header. */
const Frame = (props: {
  title: string;
  subtitle: string;
  children: ReactNode;
}) => (
  <Page themeId="tool">
    <Header title={props.title} subtitle={props.subtitle} />
    <Content>{props.children}</Content>
  </Page>
);

const ResourceRoute = (props: KratixPageProps) => {
  const { promise = '', namespace = '', name = '' } = useParams();
  const { loading, cluster } = useClusterChoice(props.cluster);
  return (
    <Frame
      title={name}
      subtitle={`Kratix Resource of Promise ${promise} in namespace ${namespace}${onCluster(
        cluster,
      )}`}
    >
      {loading ? (
        <Progress />
      ) : (
        <KratixResourceView
          resourceRef={{ cluster, promise, namespace, name }}
        />
      )}
    </Frame>
  );
};

const OverviewRoute = (props: KratixPageProps) => {
  const { loading, cluster, choices, choose } = useClusterChoice(props.cluster);
  return (
    <Frame
      title="Kratix"
      subtitle={`Promises and the Resources requested from them${onCluster(
        cluster,
      )}`}
    >
      {loading ? (
        <Progress />
      ) : (
        <>
          {choices.length > 0 && (
            <ClusterPicker
              value={cluster}
              choices={choices}
              onChange={choose}
            />
          )}
          <KratixOverview
            key={cluster ?? ''}
            cluster={cluster}
            pollIntervalMs={props.pollIntervalMs ?? DEFAULT_PAGE_POLL_MS}
          />
        </>
      )}
    </Frame>
  );
};

/**
 * The Kratix page for platform engineers: every Promise with its API,
 * status, health and Resource counts; the Resources across Promises,
 * filterable and sortable; and a view of a Resource no entity names. With
 * several clusters, a picker chooses the cluster (kept in the URL).
 *
 * @public
 */
export const KratixPage = (props: KratixPageProps) => (
  // The adapter scopes React Router to the page's mount in the new frontend
  // system (since Backstage 1.57); elsewhere it renders its children as is.
  <ReactRouterV6PageRouter>
    <Routes>
      <Route path="/" element={<OverviewRoute {...props} />} />
      <Route
        path="/resources/:promise/:namespace/:name"
        element={<ResourceRoute {...props} />}
      />
    </Routes>
  </ReactRouterV6PageRouter>
);
