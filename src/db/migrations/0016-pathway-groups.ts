import { type Kysely, sql } from 'kysely';

/**
 * Pathway groups (src/modules/pathway-groups): named groups of e-mail addresses (a cohort, a team) on an
 * organisation's pathway. A group's name is unique per pathway whatever its case (a unique expression index
 * on `lower(name)`); an address is in a group once (`pathway_group_members_email_uq`, which also orders the
 * members for paging). Deleting a group deletes its members.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pathway_groups')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('pathway_id', 'uuid', (c) => c.notNull().references('pathways.id').onDelete('cascade'))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('name', 'text', (c) => c.notNull().check(sql`char_length(name) between 1 and 200`))
    .addColumn('description', 'text', (c) => c.check(sql`char_length(description) <= 2000`))
    .addColumn('created_by_type', 'text', (c) => c.notNull())
    .addColumn('created_by_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create unique index pathway_groups_name_uq on pathway_groups (pathway_id, lower(name))`.execute(
    db,
  );
  await db.schema
    .createIndex('pathway_groups_organisation_idx')
    .on('pathway_groups')
    .columns(['organisation_id'])
    .execute();

  await db.schema
    .createTable('pathway_group_members')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('group_id', 'uuid', (c) => c.notNull().references('pathway_groups.id').onDelete('cascade'))
    // Normalised by the service (trimmed, lower-case); the check keeps it that way.
    .addColumn('email', 'text', (c) =>
      c.notNull().check(sql`email = lower(email) and char_length(email) between 3 and 254`),
    )
    .addColumn('added_by_type', 'text', (c) => c.notNull())
    .addColumn('added_by_id', 'text')
    .addColumn('added_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('pathway_group_members_email_uq', ['group_id', 'email'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pathway_group_members').execute();
  await db.schema.dropTable('pathway_groups').execute();
}
