// @ts-check

// The work queue counts the reconciles of an entry that failed with an
// error in a row, so that its retries back off.

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('work_queue', table => {
    table
      .integer('failures')
      .notNullable()
      .defaultTo(0)
      .comment('reconciles failed with an error in a row');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('work_queue', table => {
    table.dropColumn('failures');
  });
};
