/**
 * Audit events of the pathway-groups module; merged into `AuditEventData` (src/modules/audit/audit.events.ts).
 * The subject is always the group. E-mail addresses are not written into the (append-only) log: members are
 * named by their member ids.
 */
export interface PathwayGroupsAuditEvents {
  /** A group was made on a published pathway. */
  'pathway_group.created': { pathwayId: string; name: string };
  /** The group was renamed or its description changed; `fields` says which. */
  'pathway_group.updated': {
    pathwayId: string;
    fields: Array<'name' | 'description'>;
    name: string;
    previousName: string;
  };
  /** The group was deleted, and its `members` members with it. */
  'pathway_group.deleted': { pathwayId: string; name: string; members: number };
  /** Addresses were added (each one invited by mail); addresses already in the group are not counted. */
  'pathway_group.members_added': { pathwayId: string; added: number; memberIds: string[] };
  'pathway_group.member_removed': { pathwayId: string; memberId: string };
}
