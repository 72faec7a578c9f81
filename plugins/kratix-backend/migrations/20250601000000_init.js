// @ts-check

// The Kratix store: Promises and Resources, HealthRecords, workflow runs with
// their pipelines and container logs, and the durable work queue.
// Times are integers: milliseconds since the epoch, UTC. JSON is kept as text.

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('objects', table => {
    table.comment('Promises and Resources');
    table.bigIncrements('id').primary();
    table.string('kind', 16).notNullable().comment('Promise or Resource');
    table.string('promise', 253).notNullable();
    table.string('namespace', 253).notNullable().comment("'' for a Promise");
    table.string('name', 253).notNullable();
    table.string('uid', 64).notNullable();
    table.text('api_version').notNullable();
    table.text('object_kind').notNullable().comment('kind of the object');
    table.integer('generation').notNullable();
    table.bigInteger('resource_version').notNullable();
    table.string('spec_hash', 64).notNullable();
    table.text('labels').notNullable().comment('JSON');
    table.text('annotations').notNullable().comment('JSON');
    table.text('spec').notNullable().comment('JSON');
    table.text('status').notNullable().comment('JSON');
    table.bigInteger('created_at').notNullable();
    table.bigInteger('deletion_timestamp').nullable();
    table.unique(['kind', 'promise', 'namespace', 'name'], {
      indexName: 'objects_key_idx',
    });
  });

  await knex.schema.createTable('health_records', table => {
    table.comment('HealthRecords, by metadata namespace and name');
    table.string('namespace', 253).notNullable();
    table.string('name', 253).notNullable();
    table.string('promise', 253).notNullable().comment('data.promiseRef');
    table.string('resource_namespace', 253).notNullable();
    table.string('resource_name', 253).notNullable();
    table.text('record').notNullable().comment('JSON');
    table.bigInteger('updated_at').notNullable();
    table.primary(['namespace', 'name']);
    table.index(
      ['promise', 'resource_namespace', 'resource_name'],
      'health_records_resource_idx',
    );
  });

  await knex.schema.createTable('workflow_runs', table => {
    table.comment('One run of a workflow for one object');
    table.bigIncrements('seq').primary().comment('Orders runs');
    table.string('id', 64).notNullable().unique();
    table.string('kind', 16).notNullable();
    table.string('promise', 253).notNullable();
    table.string('namespace', 253).notNullable();
    table.string('name', 253).notNullable();
    table.string('type', 16).notNullable().comment('resource or promise');
    table.string('action', 16).notNullable().comment('configure or delete');
    table.integer('generation').notNullable();
    table.string('phase', 16).notNullable();
    table.text('message').nullable();
    table.bigInteger('started_at').notNullable();
    table.bigInteger('finished_at').nullable();
    table.index(
      ['kind', 'promise', 'namespace', 'name'],
      'workflow_runs_object_idx',
    );
  });

  await knex.schema.createTable('pipeline_runs', table => {
    table.comment('The pipelines of a workflow run, in order');
    table
      .string('run_id', 64)
      .notNullable()
      .references('id')
      .inTable('workflow_runs')
      .onDelete('CASCADE');
    table.integer('pipeline_index').notNullable();
    table.string('name', 253).notNullable();
    table.string('phase', 16).notNullable();
    table.bigInteger('started_at').nullable();
    table.bigInteger('finished_at').nullable();
    table.integer('exit_code').nullable();
    table.text('message').nullable();
    table.primary(['run_id', 'pipeline_index']);
  });

  await knex.schema.createTable('container_logs', table => {
    table.comment('The log of one container of a pipeline run, bounded');
    table.bigIncrements('seq').primary().comment('Orders logs');
    table
      .string('run_id', 64)
      .notNullable()
      .references('id')
      .inTable('workflow_runs')
      .onDelete('CASCADE');
    table.string('pipeline', 253).notNullable();
    table.string('container', 253).notNullable();
    table.text('log').notNullable();
    table.integer('bytes').notNullable().comment('UTF-8 size of log');
    table.boolean('truncated').notNullable();
    table.unique(['run_id', 'pipeline', 'container'], {
      indexName: 'container_logs_key_idx',
    });
  });

  await knex.schema.createTable('work_queue', table => {
    table.comment('Objects waiting for a reconcile; the lease is a lock');
    table.bigIncrements('id').primary();
    table.string('kind', 16).notNullable();
    table.string('promise', 253).notNullable();
    table.string('namespace', 253).notNullable();
    table.string('name', 253).notNullable();
    table.text('reason').notNullable();
    table.bigInteger('seq').notNullable().comment('+1 on every enqueue');
    table.bigInteger('claimed_seq').nullable().comment('seq when claimed');
    table.bigInteger('not_before').notNullable();
    table.string('owner', 253).nullable();
    table.bigInteger('lease_until').nullable();
    table.unique(['kind', 'promise', 'namespace', 'name'], {
      indexName: 'work_queue_key_idx',
    });
    table.index(['not_before'], 'work_queue_not_before_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('work_queue');
  await knex.schema.dropTable('container_logs');
  await knex.schema.dropTable('pipeline_runs');
  await knex.schema.dropTable('workflow_runs');
  await knex.schema.dropTable('health_records');
  await knex.schema.dropTable('objects');
};
