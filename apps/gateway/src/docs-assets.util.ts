import { type FastifyInstance, type onRequestHookHandler } from 'fastify';

/**
 * The files of `swagger-ui-dist` the Swagger UI page loads (the HTML of `@nestjs/swagger`); the page and its
 * `swagger-ui-init.js` are routes of their own.
 */
export const DOCS_UI_ASSETS: ReadonlySet<string> = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-16x16.png',
  'favicon-32x32.png',
]);

/**
 * `SwaggerModule.setup` serves the whole `swagger-ui-dist` folder under `<prefix>/` (its package.json,
 * READMEs, source maps, a demo page). Call before `setup`: the static route it adds then answers only the
 * UI's own assets, anything else as an unmatched route (404 problem+json).
 */
export function limitDocsAssets(fastify: FastifyInstance, prefix: string): void {
  const only: onRequestHookHandler = (request, reply, done) => {
    const file = (request.params as Record<string, string | undefined>)['*'];
    if (file !== undefined && DOCS_UI_ASSETS.has(file)) return done();
    void reply.callNotFound();
  };
  fastify.addHook('onRoute', (route) => {
    if (route.url !== `${prefix}/*`) return;
    const own = route.onRequest;
    route.onRequest = [...(own ? [own].flat() : []), only];
  });
}
