import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * The Kratix entity provider
       * (`@kratix-backstage/plugin-catalog-backend-module-kratix`): each
       * Promise as an API entity, each Resource as a Resource entity.
       */
      kratix?: {
        /**
         * The owner of an entity whose Kratix object has no valid
         * `kratix.io/owner` annotation, as an entity ref. Default `unknown`
         * (`group:default/unknown`).
         */
        owner?: string;
        /** The `spec.lifecycle` of the Promises' API entities. Default `production`. */
        lifecycle?: string;
        /** The catalog namespace of every entity. Default `default`. */
        namespace?: string;
        /**
         * Kubernetes mode (`kratix.kubernetes`): the clusters whose objects
         * become entities, read under `/clusters/<name>`; their Resource
         * entities' refs name the cluster. Default: none, the default API
         * (the embedded engine, or the only cluster).
         */
        clusters?: string[];
        /**
         * When to read every object again, as a safety net for missed
         * change events. Default every hour (first one an hour after start;
         * the provider reads everything at start by itself).
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
