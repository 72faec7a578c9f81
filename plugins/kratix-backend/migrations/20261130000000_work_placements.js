// @ts-check

// Where each Work of an object went: a Resource's Work stays on the
// Destination chosen for it, and Works no longer written are removed.

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('work_placements', table => {
    table.comment(
      'One workload group of an object pipeline, on one Destination',
    );
    table.string('kind', 16).notNullable();
    table.string('promise', 253).notNullable();
    table.string('namespace', 253).notNullable();
    table.string('name', 253).notNullable();
    table
      .string('pipeline', 253)
      .notNullable()
      .comment("'' for a Promise's spec.dependencies");
    table.string('group_id', 64).notNullable().comment('md5 of its directory');
    table.string('destination', 253).notNullable();
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
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('work_placements');
};
