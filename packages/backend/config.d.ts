export interface Config {
  permission?: {
    /** The portal's permission policy (packages/backend/src/permissions). */
    kratix?: {
      /**
       * The users and groups, as entity refs (`user:default/ada`,
       * `group:default/platform`), who may install and delete Promises
       * (`kratix.promise.manage`: their pipelines run any command on the
       * backend host), write HealthRecords, and dry-run or edit templates.
       * They also update, reconcile and delete every Resource.
       * A user holds these through their own ref or a group they belong to.
       * Every other signed-in user may read the catalog, run templates, read
       * Promises, read and request Resources, and update, reconcile and
       * delete the Resources they or one of their groups requested
       * (`kratix.io/requested-by`). Unset: no user holds them (the demo seeds
       * its Promises from files).
       * Service tokens (`backend.auth.externalAccess`) are not checked
       * against this list: they hold every permission within their
       * `accessRestrictions`.
       */
      platformTeam?: string[];
    };
  };
}
