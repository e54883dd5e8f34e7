import { type Actor, actorRef } from '../../core/actor.ts';
import type { Clock } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import { AppError, type FieldProblem } from '../../core/errors.ts';
import { type IdGenerator, isUuid } from '../../core/ids.ts';
import type { Db } from '../../db/database.ts';
import type { PathwayGroupMemberRow, PathwayGroupRow } from '../../db/tables/pathway-groups.ts';
import type { PathwayCompletionRow } from '../../db/tables/pathways.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { MailService } from '../mail/mail.service.ts';
import type { Permission } from '../organisations/organisations.policy.ts';
import type { OrganisationsService } from '../organisations/organisations.service.ts';
import type { PathwayContent } from '../pathways/pathway.model.ts';
import type { PublishedPathwayRow } from '../pathways/pathways.repository.ts';
import type { PathwaysService } from '../pathways/pathways.service.ts';
import { groupInvitationMail } from './pathway-groups.mail.ts';
import { createPathwayGroupsRepository, type PathwayGroupWithCount } from './pathway-groups.repository.ts';

export interface PathwayGroupsServiceDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  config: Pick<Config, 'publicUrl'>;
  audit: AuditService;
  mail: Pick<MailService, 'enqueue'>;
  organisations: Pick<OrganisationsService, 'requireAccess'>;
  /** Sign-in addresses (the accounts module): an address counts once the account has verified it. */
  accounts: {
    findUserByEmail(
      email: string,
      trx?: Db,
    ): Promise<{ id: string; email_verified_at: Date | null } | undefined>;
  };
  /** Confirmed further addresses (the issuance module's `verifiedOwnerOf`). */
  furtherAddresses: {
    verifiedOwnerOf(options: { email: string; trx?: Db }): Promise<string | undefined>;
  };
  /** The published pathway, and the cohort view restricted to the members who consented. */
  pathways: Pick<PathwaysService, 'getPublishedPathway' | 'cohortProgress'>;
}

/** At most this many groups per pathway. */
export const MAX_GROUPS_PER_PATHWAY = 200;
/** At most this many members per group. */
export const MAX_GROUP_MEMBERS = 2000;
/** At most this many addresses per add request. */
export const MAX_ADDS_PER_REQUEST = 500;
/** Progress is computed for at most this many members per request (the cohort view's own cap). */
export const MAX_PROGRESS_PAGE = 200;
/** Member lists (without progress) page at most this many. */
export const MAX_MEMBER_PAGE = 500;
const MAX_NAME = 200;
const MAX_DESCRIPTION = 2000;
const MAX_EMAIL = 254;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Where a member stands, as far as the organisation may know. */
export type MemberState = 'invited' | 'following' | 'completed' | 'flagged';

type CohortEntry = Awaited<ReturnType<PathwaysService['cohortProgress']>>['learners'][number];

export interface MemberProgress {
  member: PathwayGroupMemberRow;
  state: MemberState;
  /** Only for members who consented (a verified account that follows the pathway). */
  progress: CohortEntry | null;
}

export interface NodeTotal {
  id: string;
  type: string;
  title: string | null;
  /** Members (of those with progress) who satisfied the node. */
  satisfied: number;
}

export interface GroupProgress {
  group: PathwayGroupWithCount;
  pathway: PublishedPathwayRow;
  evaluatedAt: Date;
  members: MemberProgress[];
  totals: {
    members: number;
    invited: number;
    following: number;
    completed: number;
    flagged: number;
    nodes: NodeTotal[];
  };
  limit: number;
  nextCursor: string | null;
}

export interface AddMembersOutcome {
  group: PathwayGroupWithCount;
  added: PathwayGroupMemberRow[];
  duplicates: Array<{ index: number; email: string; reason: 'repeated' | 'already_member' }>;
}

/** Trimmed and lower-cased: how an address is stored and compared. */
export function normaliseAddress(email: string): string {
  return email.trim().toLowerCase();
}

function isAddress(email: string): boolean {
  return email.length <= MAX_EMAIL && EMAIL_PATTERN.test(email);
}

/** The paging cursor: the last address of the page, opaque to clients. */
function encodeCursor(email: string): string {
  return Buffer.from(email, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const email = /^[A-Za-z0-9_-]{1,400}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString('utf8')
    : '';
  if (!isAddress(email) || email !== normaliseAddress(email)) {
    throw new AppError('invalid_request', 'The cursor is invalid', {
      detail: 'The cursor is not one this API returned: start again without it',
      fields: [{ in: 'querystring', pointer: '/cursor', message: 'is not a cursor this API returned' }],
    });
  }
  return email;
}

function stateOf(completion: PathwayCompletionRow | null): MemberState {
  if (!completion) return 'following';
  return completion.status === 'complete' ? 'completed' : 'flagged';
}

/** Every node of the rule tree, depth-first (the evaluator's order). */
function nodesOf(content: PathwayContent): Array<{ id: string; type: string; title: string | null }> {
  const out: Array<{ id: string; type: string; title: string | null }> = [];
  const visit = (node: PathwayContent['root']) => {
    out.push({ id: node.id, type: node.type, title: node.title ?? null });
    if (node.type !== 'component') for (const child of node.children) visit(child);
  };
  visit(content.root);
  return out;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}

/**
 * Pathway groups: an organisation's named groups of people (a cohort, a team) on one of its published
 * pathways, and "who is where" per group. Members are e-mail addresses the organisation types; each is
 * invited by mail. Consent stays the learner's: a member's progress is shown only when an account has
 * verified the address and follows the pathway (the pathways service's cohort view, restricted to those
 * learners); everyone else is `invited`, with nothing more said about them.
 */
export function createPathwayGroupsService(deps: PathwayGroupsServiceDeps) {
  const repo = createPathwayGroupsRepository();
  const { clock, ids, audit, organisations, pathways } = deps;
  const baseUrl = deps.config.publicUrl.href.replace(/\/$/, '');

  /** The wallet page where a learner follows the pathway (docs/pathways-web.md). */
  function walletUrl(pathwayId: string): string {
    return `${baseUrl}/wallet/pathways/${pathwayId}`;
  }

  /**
   * The caller's access and the organisation's published pathway. Another organisation's pathway, a draft
   * and an unknown one are all 404.
   */
  async function ownPathway(options: { actor: Actor; slug: string; id: string }, permission: Permission) {
    const access = await organisations.requireAccess({
      actor: options.actor,
      slug: options.slug,
      permission,
    });
    const pathway = await pathways.getPublishedPathway({ id: options.id });
    if (pathway.organisation_id !== access.organisation.id) throw AppError.notFound('Pathway');
    return { access, pathway };
  }

  async function groupOr404(db: Db, pathwayId: string, groupId: string): Promise<PathwayGroupWithCount> {
    const group = isUuid(groupId) ? await repo.findGroup(db, pathwayId, groupId) : undefined;
    if (!group) throw AppError.notFound('Group');
    return group;
  }

  async function lockGroupOr404(trx: Db, pathwayId: string, groupId: string): Promise<PathwayGroupRow> {
    const group = isUuid(groupId) ? await repo.lockGroup(trx, pathwayId, groupId) : undefined;
    if (!group) throw AppError.notFound('Group');
    return group;
  }

  function checkedName(name: string): string {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > MAX_NAME) {
      throw AppError.validation(`The name must have 1 to ${MAX_NAME} characters`, [
        { in: 'body', pointer: '/name', message: `must have 1 to ${MAX_NAME} characters (not only spaces)` },
      ]);
    }
    return trimmed;
  }

  function checkedDescription(description: string | null | undefined): string | null {
    const trimmed = description?.trim() || null;
    if (trimmed !== null && trimmed.length > MAX_DESCRIPTION) {
      throw AppError.validation(`The description is longer than ${MAX_DESCRIPTION} characters`, [
        { in: 'body', pointer: '/description', message: `must be at most ${MAX_DESCRIPTION} characters` },
      ]);
    }
    return trimmed;
  }

  function nameTaken(name: string): AppError {
    return new AppError('conflict', 'A group with this name exists', {
      detail: `The pathway already has a group named "${name}" (names are compared regardless of case)`,
    });
  }

  /**
   * A change to one group of the organisation's published pathway (`definitions:manage`): `work` runs in a
   * transaction holding the group's lock, so changes to the same group (members added or removed, the
   * group deleted) queue rather than interleave. An unknown group is 404.
   */
  async function changeGroup<T>(
    options: { actor: Actor; slug: string; id: string; groupId: string },
    work: (trx: Db, scope: Awaited<ReturnType<typeof ownPathway>> & { group: PathwayGroupRow }) => Promise<T>,
  ): Promise<T> {
    const { access, pathway } = await ownPathway(options, 'definitions:manage');
    return deps.db.transaction().execute(async (trx) => {
      const group = await lockGroupOr404(trx, pathway.pathway_id, options.groupId);
      return work(trx, { access, pathway, group });
    });
  }

  /**
   * A page of the group's members (`credentials:read`), in address order after the cursor's address: at
   * most `options.limit`, and never more than `max`. `nextCursor` continues where the page stops.
   */
  async function memberPage(
    options: { actor: Actor; slug: string; id: string; groupId: string; limit?: number; cursor?: string },
    max: number,
  ) {
    const afterEmail = decodeCursor(options.cursor);
    const { pathway } = await ownPathway(options, 'credentials:read');
    const group = await groupOr404(deps.db, pathway.pathway_id, options.groupId);
    const limit = Math.min(Math.max(options.limit ?? max, 1), max);
    const rows = await repo.listMembers(deps.db, group.id, { limit: limit + 1, afterEmail });
    const members = rows.slice(0, limit);
    const last = members.at(-1);
    const nextCursor = rows.length > limit && last ? encodeCursor(last.email) : null;
    return { pathway, group, limit, members, nextCursor };
  }

  /** Runs a write; a unique violation on the name index (a concurrent create or rename) is a 409. */
  async function writeGroup<T>(name: string, work: (trx: Db) => Promise<T>): Promise<T> {
    try {
      return await deps.db.transaction().execute(work);
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(name);
      throw error;
    }
  }

  // Groups ---------------------------------------------------------------------------------------------------

  async function listGroups(options: {
    actor: Actor;
    slug: string;
    id: string;
  }): Promise<{ pathway: PublishedPathwayRow; groups: PathwayGroupWithCount[] }> {
    const { pathway } = await ownPathway(options, 'credentials:read');
    return { pathway, groups: await repo.listGroups(deps.db, pathway.pathway_id) };
  }

  async function getGroup(options: {
    actor: Actor;
    slug: string;
    id: string;
    groupId: string;
  }): Promise<PathwayGroupWithCount> {
    const { pathway } = await ownPathway(options, 'credentials:read');
    return groupOr404(deps.db, pathway.pathway_id, options.groupId);
  }

  /** A new, empty group on the organisation's published pathway; its name is unique on the pathway. */
  async function createGroup(options: {
    actor: Actor;
    slug: string;
    id: string;
    name: string;
    description?: string | null;
  }): Promise<PathwayGroupWithCount> {
    const name = checkedName(options.name);
    const description = checkedDescription(options.description);
    const { access, pathway } = await ownPathway(options, 'definitions:manage');
    return writeGroup(name, async (trx) => {
      if (await repo.findByName(trx, pathway.pathway_id, name)) throw nameTaken(name);
      if ((await repo.countGroups(trx, pathway.pathway_id)) >= MAX_GROUPS_PER_PATHWAY) {
        throw AppError.validation(`A pathway has at most ${MAX_GROUPS_PER_PATHWAY} groups`, [
          { in: 'body', pointer: '', message: `the pathway has ${MAX_GROUPS_PER_PATHWAY} groups already` },
        ]);
      }
      const now = clock.now();
      const { actorType, actorId } = actorRef(options.actor);
      const group = await repo.insertGroup(trx, {
        id: ids(),
        pathway_id: pathway.pathway_id,
        organisation_id: access.organisation.id,
        name,
        description,
        created_by_type: actorType,
        created_by_id: actorId,
        created_at: now,
        updated_at: now,
      });
      await audit.record(trx, {
        type: 'pathway_group.created',
        actor: options.actor,
        organisationId: access.organisation.id,
        subject: { type: 'pathway_group', id: group.id },
        data: { pathwayId: pathway.pathway_id, name },
      });
      return { ...group, member_count: 0 };
    });
  }

  /** Renames the group and/or changes its description (`null` removes it); no change writes nothing. */
  async function updateGroup(options: {
    actor: Actor;
    slug: string;
    id: string;
    groupId: string;
    name?: string;
    description?: string | null;
  }): Promise<PathwayGroupWithCount> {
    const name = options.name === undefined ? undefined : checkedName(options.name);
    const description =
      options.description === undefined ? undefined : checkedDescription(options.description);
    const { access, pathway } = await ownPathway(options, 'definitions:manage');
    return writeGroup(name ?? '', async (trx) => {
      const current = await lockGroupOr404(trx, pathway.pathway_id, options.groupId);
      const next = {
        name: name ?? current.name,
        description: description === undefined ? current.description : description,
      };
      const fields: Array<'name' | 'description'> = [];
      if (next.name !== current.name) fields.push('name');
      if (next.description !== current.description) fields.push('description');
      if (fields.length > 0) {
        if (
          fields.includes('name') &&
          (await repo.findByName(trx, pathway.pathway_id, next.name, current.id))
        ) {
          throw nameTaken(next.name);
        }
        await repo.updateGroup(trx, current.id, { ...next, updated_at: clock.now() });
        await audit.record(trx, {
          type: 'pathway_group.updated',
          actor: options.actor,
          organisationId: access.organisation.id,
          subject: { type: 'pathway_group', id: current.id },
          data: { pathwayId: pathway.pathway_id, fields, name: next.name, previousName: current.name },
        });
      }
      return groupOr404(trx, pathway.pathway_id, current.id);
    });
  }

  /** Deletes the group with its members (the learners' subscriptions and progress are untouched). */
  async function deleteGroup(options: {
    actor: Actor;
    slug: string;
    id: string;
    groupId: string;
  }): Promise<void> {
    await changeGroup(options, async (trx, { access, pathway, group }) => {
      const members = await repo.countMembers(trx, group.id);
      await repo.deleteGroup(trx, group.id);
      await audit.record(trx, {
        type: 'pathway_group.deleted',
        actor: options.actor,
        organisationId: access.organisation.id,
        subject: { type: 'pathway_group', id: group.id },
        data: { pathwayId: pathway.pathway_id, name: group.name, members },
      });
    });
  }

  // Members --------------------------------------------------------------------------------------------------

  /**
   * Adds addresses to the group, all or nothing: every address is checked first (each malformed one is
   * reported with its index, and nothing is written), repeats in the request and addresses already in the
   * group are skipped and reported, and the group may not grow past {@link MAX_GROUP_MEMBERS}. Each address
   * added is sent an invitation to follow the pathway, queued in the same transaction.
   */
  async function addMembers(options: {
    actor: Actor;
    slug: string;
    id: string;
    groupId: string;
    emails: string[];
  }): Promise<AddMembersOutcome> {
    if (options.emails.length > MAX_ADDS_PER_REQUEST) {
      throw AppError.validation(`At most ${MAX_ADDS_PER_REQUEST} addresses per request`, [
        { in: 'body', pointer: '/emails', message: `must have at most ${MAX_ADDS_PER_REQUEST} items` },
      ]);
    }
    const normalised = options.emails.map(normaliseAddress);
    const bad: FieldProblem[] = normalised.flatMap((email, index) =>
      isAddress(email)
        ? []
        : [{ in: 'body', pointer: `/emails/${index}`, message: 'is not a valid e-mail address' }],
    );
    if (bad.length > 0) {
      throw AppError.validation(
        `${bad.length} of the addresses ${bad.length === 1 ? 'is' : 'are'} not valid: nothing was added`,
        bad,
      );
    }
    return changeGroup(options, async (trx, { access, pathway, group }) => {
      const existing = await repo.existingEmails(trx, group.id, [...new Set(normalised)]);
      const duplicates: AddMembersOutcome['duplicates'] = [];
      const fresh: string[] = [];
      const seen = new Set<string>();
      normalised.forEach((email, index) => {
        if (existing.has(email)) duplicates.push({ index, email, reason: 'already_member' });
        else if (seen.has(email)) duplicates.push({ index, email, reason: 'repeated' });
        else fresh.push(email);
        seen.add(email);
      });
      const count = await repo.countMembers(trx, group.id);
      if (count + fresh.length > MAX_GROUP_MEMBERS) {
        throw AppError.validation(
          `A group has at most ${MAX_GROUP_MEMBERS} members: it has ${count}, and ${fresh.length} would be added`,
          [
            {
              in: 'body',
              pointer: '/emails',
              message: `would make ${count + fresh.length} members; at most ${MAX_GROUP_MEMBERS}`,
            },
          ],
        );
      }
      const now = clock.now();
      const { actorType, actorId } = actorRef(options.actor);
      const added = await repo.insertMembers(
        trx,
        fresh.map((email) => ({
          id: ids(),
          group_id: group.id,
          email,
          added_by_type: actorType,
          added_by_id: actorId,
          added_at: now,
        })),
      );
      if (added.length > 0) {
        await repo.touchGroup(trx, group.id, now);
        await audit.record(trx, {
          type: 'pathway_group.members_added',
          actor: options.actor,
          organisationId: access.organisation.id,
          subject: { type: 'pathway_group', id: group.id },
          data: {
            pathwayId: pathway.pathway_id,
            added: added.length,
            memberIds: added.map((member) => member.id),
          },
        });
        for (const member of added) {
          await deps.mail.enqueue(
            trx,
            groupInvitationMail({
              to: member.email,
              organisationName: access.organisation.name,
              groupName: group.name,
              pathwayTitle: pathway.title,
              walletUrl: walletUrl(pathway.pathway_id),
            }),
          );
        }
      }
      added.sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
      return { group: await groupOr404(trx, pathway.pathway_id, group.id), added, duplicates };
    });
  }

  async function removeMember(options: {
    actor: Actor;
    slug: string;
    id: string;
    groupId: string;
    memberId: string;
  }): Promise<void> {
    await changeGroup(options, async (trx, { access, pathway, group }) => {
      const member = isUuid(options.memberId)
        ? await repo.findMember(trx, group.id, options.memberId)
        : undefined;
      if (!member) throw AppError.notFound('Member');
      await repo.deleteMember(trx, member.id);
      await repo.touchGroup(trx, group.id, clock.now());
      await audit.record(trx, {
        type: 'pathway_group.member_removed',
        actor: options.actor,
        organisationId: access.organisation.id,
        subject: { type: 'pathway_group', id: group.id },
        data: { pathwayId: pathway.pathway_id, memberId: member.id },
      });
    });
  }

  /** A page of the group's members (addresses only, no progress), in address order. */
  async function listMembers(options: {
    actor: Actor;
    slug: string;
    id: string;
    groupId: string;
    limit?: number;
    cursor?: string;
  }): Promise<{ group: PathwayGroupWithCount; members: PathwayGroupMemberRow[]; nextCursor: string | null }> {
    const { group, members, nextCursor } = await memberPage(options, MAX_MEMBER_PAGE);
    return { group, members, nextCursor };
  }

  // Who is where ---------------------------------------------------------------------------------------------

  /** The learner who consented with this address: verified sign-in address first, then a further address. */
  async function consentingOwnerOf(email: string): Promise<string | undefined> {
    const user = await deps.accounts.findUserByEmail(email);
    if (user?.email_verified_at) return user.id;
    return deps.furtherAddresses.verifiedOwnerOf({ email });
  }

  /**
   * Who of a page of the group's members is where: `invited` (no account has verified the address, or its
   * owner does not follow the pathway: nothing else is said), `following`, `completed` or `flagged` (the
   * completion was flagged or suspended), with the cohort view's progress summary for the last three.
   * Totals count the members of this page (every count adds up across pages); per rule node, how many of
   * them satisfied it. At most {@link MAX_PROGRESS_PAGE} members per request; `nextCursor` continues.
   */
  async function groupProgress(options: {
    actor: Actor;
    slug: string;
    id: string;
    groupId: string;
    limit?: number;
    cursor?: string;
  }): Promise<GroupProgress> {
    const { pathway, group, limit, members: page, nextCursor } = await memberPage(options, MAX_PROGRESS_PAGE);
    const owners = new Map<string, string>();
    for (const member of page) {
      const owner = await consentingOwnerOf(member.email);
      if (owner) owners.set(member.id, owner);
    }
    const userIds = [...new Set(owners.values())];
    // Only subscribed learners come back: following the pathway is the learner's consent.
    const cohort =
      userIds.length === 0
        ? []
        : (
            await pathways.cohortProgress({
              actor: options.actor,
              slug: options.slug,
              id: pathway.pathway_id,
              userIds,
            })
          ).learners;
    const byUser = new Map(cohort.map((entry) => [entry.learner.id, entry]));
    const members: MemberProgress[] = page.map((member) => {
      const owner = owners.get(member.id);
      const progress = owner ? (byUser.get(owner) ?? null) : null;
      return { member, state: progress ? stateOf(progress.completion) : 'invited', progress };
    });
    const nodes = nodesOf(pathway.content as PathwayContent).map((node) => ({ ...node, satisfied: 0 }));
    const index = new Map(nodes.map((node) => [node.id, node]));
    for (const { progress } of members) {
      for (const node of progress?.evaluation.nodes ?? []) {
        const total = index.get(node.id);
        if (total && node.satisfied) total.satisfied++;
      }
    }
    const count = (state: MemberState) => members.filter((member) => member.state === state).length;
    return {
      group,
      pathway,
      evaluatedAt: clock.now(),
      members,
      totals: {
        members: members.length,
        invited: count('invited'),
        following: count('following'),
        completed: count('completed'),
        flagged: count('flagged'),
        nodes,
      },
      limit,
      nextCursor,
    };
  }

  return {
    listGroups,
    getGroup,
    createGroup,
    updateGroup,
    deleteGroup,
    addMembers,
    removeMember,
    listMembers,
    groupProgress,
    walletUrl,
  };
}

export type PathwayGroupsService = ReturnType<typeof createPathwayGroupsService>;
