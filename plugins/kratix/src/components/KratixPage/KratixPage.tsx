import { Content, Header, Page } from '@backstage/core-components';
import { ReactNode } from 'react';
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
  return (
    <Frame
      title={name}
      subtitle={`Kratix Resource of Promise ${promise} in namespace ${namespace}${onCluster(
        props.cluster,
      )}`}
    >
      <KratixResourceView
        resourceRef={{ cluster: props.cluster, promise, namespace, name }}
      />
    </Frame>
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
  <Routes>
    <Route
      path="/"
      element={
        <Frame
          title="Kratix"
          subtitle={`Promises and the Resources requested from them${onCluster(
            props.cluster,
          )}`}
        >
          <KratixOverview
            cluster={props.cluster}
            pollIntervalMs={props.pollIntervalMs ?? DEFAULT_PAGE_POLL_MS}
          />
        </Frame>
      }
    />
    <Route
      path="/resources/:promise/:namespace/:name"
      element={<ResourceRoute {...props} />}
    />
  </Routes>
);
