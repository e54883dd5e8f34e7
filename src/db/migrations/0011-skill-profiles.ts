import { type Kysely, sql } from 'kysely';

/** Learners' declared skills and saved role profiles (src/modules/skill-profile). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('declared_skills')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('skill_uri', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('declared_skills_pk', ['user_id', 'skill_uri'])
    .execute();

  await db.schema
    .createTable('role_profiles')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('owner_user_id', 'uuid', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('organisation_id', 'uuid', (c) => c.references('organisations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('is_public', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('skills', 'jsonb', (c) => c.notNull())
    .addColumn('created_by_type', 'text', (c) => c.notNull())
    .addColumn('created_by_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    // Exactly one owner: a user (private) or an organisation.
    .addCheckConstraint('role_profiles_one_owner', sql`(owner_user_id is null) <> (organisation_id is null)`)
    .execute();
  await db.schema
    .createIndex('role_profiles_user_idx')
    .on('role_profiles')
    .columns(['owner_user_id', 'created_at'])
    .where(sql.ref('owner_user_id'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('role_profiles_organisation_idx')
    .on('role_profiles')
    .columns(['organisation_id', 'created_at'])
    .where(sql.ref('organisation_id'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('role_profiles').execute();
  await db.schema.dropTable('declared_skills').execute();
}
