import { Fragment, useState } from 'react';
import { InfoCard, Progress } from '@backstage/core-components';
import { MissingAnnotationEmptyState } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Divider from '@material-ui/core/Divider';
import {
  KRATIX_RESOURCE_REF_ANNOTATION,
  ResourceRef,
  stringifyResourceRef,
} from '@kratix-backstage/plugin-kratix-common';
import { useKratixResource } from '../../hooks';
import { useEntityResourceRefs } from '../../hooks/useEntityResourceRefs';
import { workflowState } from '../../lib/status';
import {
  FailureLine,
  InvalidRefsPanel,
  ResourceErrorPanel,
  ResourceHeader,
  ResourceStatusView,
  ResourceSummaryLine,
} from '../ResourceStatus';

/** @public */
export interface EntityKratixStatusCardProps {
  /** Card title. Default "Kratix". */
  title?: string;
  /** Polling interval when signals are not available. Default 10 s. */
  pollIntervalMs?: number;
}

const ResourceSection = (props: {
  resourceRef: ResourceRef;
  pollIntervalMs?: number;
  /** One summary line, details on expand (an entity with several). */
  summary?: boolean;
}) => {
  const { resourceRef, pollIntervalMs, summary } = props;
  const [expanded, setExpanded] = useState(false);
  const { resource, loading, error, retry, liveState, refreshKey } =
    useKratixResource(resourceRef, { pollIntervalMs });
  let body;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = (
      <ResourceErrorPanel
        resourceRef={resourceRef}
        error={error}
        onRetry={retry}
      />
    );
  } else if (resource) {
    // A failure shows on the card, on a summary line too.
    body = (
      <>
        {summary && (
          <ResourceSummaryLine
            resource={resource}
            name={stringifyResourceRef(resourceRef)}
            expanded={expanded}
            onToggle={() => setExpanded(e => !e)}
          />
        )}
        {workflowState(resource.status) === 'failed' && (
          <FailureLine
            resourceRef={resourceRef}
            status={resource.status}
            refreshKey={refreshKey}
          />
        )}
        {(!summary || expanded) && <ResourceStatusView resource={resource} />}
      </>
    );
  }
  return (
    <Box component="section" aria-label={stringifyResourceRef(resourceRef)}>
      <ResourceHeader
        resourceRef={resourceRef}
        resource={resource}
        live={resource ? liveState : undefined}
      />
      <Box mt={1}>{body}</Box>
    </Box>
  );
};

/**
 * Entity card: for each Resource the entity names, its message, health,
 * workflow progress, conditions and the status the pipelines wrote. Live.
 *
 * @public
 */
export const EntityKratixStatusCard = (props: EntityKratixStatusCardProps) => {
  const { available, refs, invalid } = useEntityResourceRefs();
  const title = props.title ?? 'Kratix';
  if (!available) {
    return (
      <MissingAnnotationEmptyState
        annotation={KRATIX_RESOURCE_REF_ANNOTATION}
      />
    );
  }
  return (
    <InfoCard title={title}>
      <InvalidRefsPanel invalid={invalid} />
      {refs.map((ref, index) => (
        <Fragment key={stringifyResourceRef(ref)}>
          {index > 0 && (
            <Box my={2}>
              <Divider />
            </Box>
          )}
          <ResourceSection
            resourceRef={ref}
            pollIntervalMs={props.pollIntervalMs}
            summary={refs.length > 1}
          />
        </Fragment>
      ))}
    </InfoCard>
  );
};
