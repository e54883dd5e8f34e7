import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { sendWebPage } from '../../http/web.ts';
import type { ProfilePageProps } from '../../web/pages/page-data.ts';
import type { PublicProfileView } from './wallet.service.ts';

/** A learner's public profile page (`/u/:handle`): server-rendered, with Open Graph tags; 404 when not public. */
export const walletPagesRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { wallet } = deps.services;
  app.get(
    '/u/:handle',
    {
      config: { sessionless: true },
      schema: {
        hide: true,
        params: {
          type: 'object',
          required: ['handle'],
          properties: { handle: { type: 'string', maxLength: 64 } },
        },
      },
    },
    async (request, reply) => {
      const { handle } = request.params as { handle: string };
      const profile = await wallet.getPublicProfile({ handle });
      const url = new URL(`/u/${encodeURIComponent(profile.handle)}`, deps.config.publicUrl).href;
      return sendWebPage(request, reply, {
        data: { page: 'profile', props: presentProfilePage(profile) },
        meta: {
          title: profile.displayName,
          description: profile.bio ?? `${profile.displayName}’s verifiable credentials`,
          url,
          ogType: 'profile',
        },
      });
    },
  );
};

export function presentProfilePage(profile: PublicProfileView): ProfilePageProps {
  return {
    handle: profile.handle,
    displayName: profile.displayName,
    bio: profile.bio,
    credentials: profile.items.map((item) => ({
      key: `${item.kind}:${item.id}`,
      name: item.achievementName ?? item.name ?? 'Credential',
      issuerName: item.issuer.name ?? item.issuer.id ?? '',
      issuedAt: item.issuedAt?.toISOString() ?? null,
      url: item.url,
      imported: item.kind === 'imported',
      standing: item.state,
    })),
  };
}
