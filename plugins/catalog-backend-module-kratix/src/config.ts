// catalog.providers.kratix: see config.d.ts.
import {
  SchedulerServiceTaskScheduleDefinition,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { isOwnerRef } from './entities';

export interface KratixProviderConfig {
  owner: string;
  lifecycle: string;
  namespace: string;
  clusters?: string[];
  schedule: SchedulerServiceTaskScheduleDefinition;
}

export const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 1 },
  timeout: { minutes: 10 },
  // The provider reads everything at start by itself.
  initialDelay: { hours: 1 },
};

const KEY = 'catalog.providers.kratix';

export function readProviderConfig(root: Config): KratixProviderConfig {
  const config = root.getOptionalConfig(KEY);
  const owner = config?.getOptionalString('owner') ?? 'unknown';
  if (!isOwnerRef(owner)) {
    throw new InputError(
      `${KEY}.owner '${owner}' is not an entity ref ([<kind>:][<namespace>/]<name>)`,
    );
  }
  return {
    owner,
    lifecycle: config?.getOptionalString('lifecycle') ?? 'production',
    namespace: config?.getOptionalString('namespace') ?? 'default',
    clusters: config?.getOptionalStringArray('clusters'),
    schedule: config?.has('schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          config.getConfig('schedule'),
        )
      : DEFAULT_SCHEDULE,
  };
}
