// @ts-check

// A workflow run says why it started (create, spec-change, manual, ...).
// Runs recorded before have none.

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('workflow_runs', table => {
    table
      .string('trigger', 32)
      .nullable()
      .comment('why the run started; null when unknown');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('workflow_runs', table => {
    table.dropColumn('trigger');
  });
};
