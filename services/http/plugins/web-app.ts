/**
 * The web app (built by `npm run build` into dist/web) at `/`: its hashed assets cached for good,
 * and index.html – with a strict Content-Security-Policy – for every page path a browser asks for.
 * Page paths (`/e/…`, `/i/…`, `/c/…`, `/ops`) never collide with the API's.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Scripts, styles and data only from this origin; nothing else anywhere. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export type WebPage = (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined;

/** Serves the app from `root`; answers the page for a browser's navigation, or undefined when `root` holds no build. */
export const registerWebApp = async (app: FastifyInstance, root: string): Promise<WebPage | undefined> => {
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) {
    app.log.warn({ root }, 'the web app is not built (npm run build): / serves no page');
    return undefined;
  }
  const index = readFileSync(indexFile);
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: false,
    serve: true,
    setHeaders: (response, path) => {
      response.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      response.header('x-content-type-options', 'nosniff');
    },
  });
  const page: WebPage = (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
    if (!/\btext\/html\b/.test(request.headers.accept ?? '')) return undefined;
    return reply
      .code(200)
      .headers({
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-cache',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'same-origin',
        'x-frame-options': 'DENY',
      })
      .send(index);
  };
  app.get('/', { schema: { hide: true } }, (request, reply) => page(request, reply) ?? reply.redirect('/docs', 302));
  return page;
};
