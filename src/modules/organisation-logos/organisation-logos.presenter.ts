import type { OrganisationLogo } from './organisation-logos.service.ts';

export function presentLogo(logo: OrganisationLogo) {
  return {
    url: logo.url,
    contentType: logo.content_type,
    bytes: logo.byte_size,
    sha256: logo.sha256,
    updatedAt: logo.updated_at.toISOString(),
  };
}
