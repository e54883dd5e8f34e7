import type { Kysely } from 'kysely';

/** Learners' declared skills and saved role profiles (src/modules/skill-profile). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('declared_skills')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('skill_uri', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('declared_skills_pk', ['user_id', 'skill_uri'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('declared_skills').execute();
}
