// PLACEHOLDER — replaced by the organisations helper.
export function createOrganisationsService(_deps: unknown) {
  return {};
}
export type OrganisationsService = ReturnType<typeof createOrganisationsService>;
