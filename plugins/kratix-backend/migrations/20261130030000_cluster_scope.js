// @ts-check

// Kubernetes reconcile mode on several clusters: the work queue, workflow
// runs and Work placements are kept per cluster, so two clusters' objects
// of the same kind, namespace and name never share a row. '' is the
// embedded engine's (and a single cluster's rows from before).

const CLUSTER_COMMENT = "Kubernetes cluster name; '' when embedded";

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  for (const name of ['work_queue', 'workflow_runs', 'work_placements']) {
    await knex.schema.alterTable(name, table => {
      table
        .string('cluster', 63)
        .notNullable()
        .defaultTo('')
        .comment(CLUSTER_COMMENT);
    });
  }
  await knex.schema.alterTable('work_queue', table => {
    table.dropUnique([], 'work_queue_key_idx');
    table.unique(['cluster', 'kind', 'promise', 'namespace', 'name'], {
      indexName: 'work_queue_cluster_key_idx',
    });
  });
  await knex.schema.alterTable('workflow_runs', table => {
    table.dropIndex([], 'workflow_runs_object_idx');
    table.index(
      ['cluster', 'kind', 'promise', 'namespace', 'name'],
      'workflow_runs_cluster_object_idx',
    );
  });
  await knex.schema.alterTable('work_placements', table => {
    table.dropPrimary();
    table.primary([
      'cluster',
      'kind',
      'promise',
      'namespace',
      'name',
      'pipeline',
      'group_id',
      'destination',
    ]);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('work_placements', table => {
    table.dropPrimary();
    table.primary([
      'kind',
      'promise',
      'namespace',
      'name',
      'pipeline',
      'group_id',
      'destination',
    ]);
  });
  await knex.schema.alterTable('workflow_runs', table => {
    table.dropIndex([], 'workflow_runs_cluster_object_idx');
    table.index(
      ['kind', 'promise', 'namespace', 'name'],
      'workflow_runs_object_idx',
    );
  });
  await knex.schema.alterTable('work_queue', table => {
    table.dropUnique([], 'work_queue_cluster_key_idx');
    table.unique(['kind', 'promise', 'namespace', 'name'], {
      indexName: 'work_queue_key_idx',
    });
  });
  for (const name of ['work_queue', 'workflow_runs', 'work_placements']) {
    await knex.schema.alterTable(name, table => {
      table.dropColumn('cluster');
    });
  }
};
