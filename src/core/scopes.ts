/**
 * The central registry of API token scopes. A scope is named after the permission it grants (see
 * `organisations.policy.ts`), so one check covers members and tokens alike: a token may do exactly what its
 * scopes name, and a scope can only be granted by someone whose role holds that permission.
 *
 * Management permissions (`org:update`, `members:manage`, `invitations:manage`, `tokens:manage`,
 * `keys:manage`) are deliberately NOT scopes: an API token can never change the organisation's people,
 * mint more tokens or rotate the signing keys.
 *
 * Later modules add their scopes here (and the matching permission to the role table) rather than
 * inventing new strings at the call site.
 */
export const TOKEN_SCOPES = {
  'org:read': 'Read the organisation profile',
  'members:read': "List the organisation's members with their names, e-mail addresses and roles",
  'audit:read': "Read the organisation's audit log",
  'credentials:issue': 'Issue credentials on behalf of the organisation',
  'credentials:status': 'Revoke or suspend credentials the organisation issued',
  'credentials:read': 'Read credentials the organisation issued',
  'definitions:read': "Read the organisation's credential definitions, drafts included",
  'definitions:manage':
    'Create and edit credential definitions, submit them for review, import external credentials',
  'definitions:publish': 'Publish, retire and version credential definitions',
  'skills:manage': 'Create organisation-defined skills and map them to framework skills',
  'assessments:manage': 'Build assessments: item banks, tests, rubrics; read item statistics; export QTI',
  'assessments:mark': 'Mark submitted practical and portfolio work (assessor queue)',
  'results:record': 'Record assessment results from an external system (LMS) through the API or CSV',
} as const satisfies Record<string, string>;

export type TokenScope = keyof typeof TOKEN_SCOPES;

export const ALL_TOKEN_SCOPES = Object.keys(TOKEN_SCOPES) as TokenScope[];

export function isTokenScope(value: string): value is TokenScope {
  return Object.hasOwn(TOKEN_SCOPES, value);
}

/** The entries of `scopes` that are not known scopes, in the order given, without duplicates. */
export function unknownScopes(scopes: readonly string[]): string[] {
  return [...new Set(scopes.filter((scope) => !isTokenScope(scope)))];
}
