import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../../core/errors.ts';
import type { AppDeps } from '../../deps.ts';
import { readSingleFilePart } from '../../http/multipart.ts';
import { sendWebPage } from '../../http/web.ts';
import type { VerifyPageProps } from '../../web/pages/page-data.ts';
import { presentVerificationView } from './credential-page.presenter.ts';
import type { VerifyPageInput } from './verification.service.ts';

const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const MAX_PASTE_CHARS = 1_000_000;

/**
 * The public verify page: paste a credential, upload a file (JSON, or a baked PNG/SVG badge) or give a
 * URL. Plain form posts answered with the same page and the result, so it works without JavaScript.
 */
export const verificationPagesRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { verification } = deps.services;
  await app.register(formbody, { bodyLimit: MAX_PASTE_CHARS * 4 });
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 0, parts: 1 } });
  const routeConfig = {
    sessionless: true,
    rateLimit: { max: deps.config.verifyRateLimit.max, timeWindow: deps.config.verifyRateLimit.windowMs },
  };
  const meta = {
    title: 'Verify a credential',
    description: 'Check any Open Badges 3.0 or W3C Verifiable Credential, step by step.',
    url: new URL('/verify', deps.config.publicUrl).href,
  };
  const empty: VerifyPageProps = { pasted: '', url: '', error: null, errorDetail: null, result: null };

  const show = (request: FastifyRequest, reply: FastifyReply, props: VerifyPageProps, status = 200) =>
    sendWebPage(request, reply, { status, data: { page: 'verify', props }, meta });

  app.get('/verify', { config: routeConfig, schema: { hide: true } }, async (request, reply) =>
    show(request, reply, empty),
  );

  app.post(
    '/verify',
    {
      config: routeConfig,
      // No body schema: the form comes urlencoded or as multipart (streamed); readVerifyInput checks it.
      schema: { hide: true },
    },
    async (request, reply) => {
      try {
        const input = await readVerifyInput(request);
        const outcome = await verification.verifyPageInput(input);
        if (outcome.kind === 'refused') {
          return show(request, reply, { ...empty, ...keep(input), error: outcome.reason }, 422);
        }
        return show(request, reply, {
          ...empty,
          ...keep(input),
          result: {
            ...presentVerificationView(outcome.report, {
              ...(outcome.record && outcome.record.status !== 'active'
                ? {
                    standing: {
                      state: outcome.record.status,
                      date: outcome.record.statusChangedAt?.toISOString() ?? null,
                      reason: outcome.record.statusReason,
                    },
                  }
                : {}),
            }),
            source: outcome.source,
          },
        });
      } catch (error) {
        if (isAppError(error) && error.status < 500) {
          return show(
            request,
            reply,
            { ...empty, error: 'unreadable', errorDetail: error.message },
            error.status,
          );
        }
        throw error;
      }
    },
  );
};

function keep(input: VerifyPageInput): Partial<VerifyPageProps> {
  if (input.kind === 'text') return { pasted: input.text };
  if (input.kind === 'url') return { url: input.url };
  return {};
}

async function readVerifyInput(request: FastifyRequest): Promise<VerifyPageInput> {
  if (request.isMultipart()) {
    const part = await readSingleFilePart(request, {
      maxBytes: MAX_UPLOAD_BYTES,
      noun: 'file',
      sizeDetail: 'Files up to 10 MB can be checked',
    });
    return part.content.length === 0 ? { kind: 'empty' } : { kind: 'file', bytes: part.content };
  }
  const body = request.body;
  const fields = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const credential = typeof fields.credential === 'string' ? fields.credential.trim() : '';
  const url = typeof fields.url === 'string' ? fields.url.trim() : '';
  if (credential.length > MAX_PASTE_CHARS || url.length > 2000) {
    throw AppError.validation('The pasted text or URL is too long', []);
  }
  if (credential) return { kind: 'text', text: credential };
  if (url) return { kind: 'url', url };
  return { kind: 'empty' };
}
