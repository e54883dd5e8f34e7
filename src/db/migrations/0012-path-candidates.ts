import { type Kysely, sql } from 'kysely';

/**
 * Learning paths read, for each gap skill, the cheapest (or shortest) few published entries aligned to it.
 * On the wide `credential_definitions` rows that means a GIN bitmap scan touching one heap page per aligned
 * entry (thousands for a common skill), too slow at 1.85 M entries. `credential_skill_alignments` is a
 * narrow copy, one row per (published definition, skill), with the filter columns, ordered by skill then
 * cost or hours: a gap skill's best entries are one short index range. A trigger keeps it in step with every
 * write to `credential_definitions` (no module writes it), and the existing published rows are backfilled.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('credential_skill_alignments')
    .addColumn('skill_uri', 'text', (c) => c.notNull())
    .addColumn('definition_id', 'uuid', (c) => c.notNull())
    .addColumn('cost_amount', 'double precision')
    // Upper-case ISO 4217.
    .addColumn('cost_currency', 'text')
    .addColumn('hours', 'double precision')
    .addColumn('quality_score', 'integer')
    .addColumn('delivery_mode', 'text')
    .addColumn('languages', sql`text[]`, (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .execute();
  await sql`create index credential_skill_alignments_cost_idx on credential_skill_alignments (skill_uri, cost_amount, definition_id)`.execute(
    db,
  );
  await sql`create index credential_skill_alignments_hours_idx on credential_skill_alignments (skill_uri, hours, definition_id)`.execute(
    db,
  );
  // The delete keys on the cost index's full key (skill, cost, id), so no index on definition_id is needed.
  await sql`
    create function credential_skill_alignments_sync() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') and old.status = 'published' then
        if old.cost_amount is null then
          delete from credential_skill_alignments
          where skill_uri = any(old.skill_uris) and cost_amount is null and definition_id = old.id;
        else
          delete from credential_skill_alignments
          where skill_uri = any(old.skill_uris) and cost_amount = old.cost_amount and definition_id = old.id;
        end if;
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.status = 'published' then
        insert into credential_skill_alignments
          (skill_uri, definition_id, cost_amount, cost_currency, hours, quality_score, delivery_mode, languages, source)
        select distinct skill, new.id, new.cost_amount, upper(new.cost_currency), new.hours, new.quality_score,
          new.delivery_mode, new.languages, new.source
        from unnest(new.skill_uris) as skill;
      end if;
      return null;
    end
    $$`.execute(db);
  await sql`
    create trigger credential_skill_alignments_sync after insert or update or delete on credential_definitions
    for each row execute function credential_skill_alignments_sync()`.execute(db);
  await sql`
    insert into credential_skill_alignments
      (skill_uri, definition_id, cost_amount, cost_currency, hours, quality_score, delivery_mode, languages, source)
    select distinct skill, d.id, d.cost_amount, upper(d.cost_currency), d.hours, d.quality_score, d.delivery_mode,
      d.languages, d.source
    from credential_definitions as d, unnest(d.skill_uris) as skill
    where d.status = 'published'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists credential_skill_alignments_sync on credential_definitions`.execute(db);
  await sql`drop function if exists credential_skill_alignments_sync()`.execute(db);
  await db.schema.dropTable('credential_skill_alignments').ifExists().execute();
}
