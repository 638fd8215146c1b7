import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';
import { ForbiddenError } from '../errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A state-changing request from another site is refused. Browsers send Origin on every
 * cross-origin POST, and Sec-Fetch-Site on modern ones; clients that send neither
 * (curl, scripts, existing API clients) are not browsers and carry no ambient cookie risk.
 */
export function isCrossSite(request: FastifyRequest): boolean {
  if (SAFE_METHODS.has(request.method)) return false;
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite === 'cross-site') return true;
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  if (origin === 'null') return true;
  try {
    return new URL(origin).host !== request.host;
  } catch {
    return true;
  }
}

/** helmet's policy, with a CSP that allows no inline script and no other origin. */
const POLICY: Parameters<typeof helmet>[0] = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      manifestSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  // Plain http on localhost and in `docker run`: HSTS only when the request came over https.
  strictTransportSecurity: false,
};

/**
 * The headers helmet sets, computed once: for pages and the files they load. They never vary,
 * and building helmet's middleware per request (as @fastify/helmet does) cost ~5 % of the
 * CPU of a /move request in the benchmark.
 */
export function pageHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string) => {
      headers[name.toLowerCase()] = value;
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(POLICY)({} as never, response as never, () => {});
  return headers;
}

/**
 * What a JSON answer needs (OWASP's REST headers): never sniffed as something else, never
 * stored by a cache, and a policy under which, opened as a document, it can load nothing and
 * be framed nowhere. The page's policy, cross-origin and referrer headers govern documents
 * and what they load; on the answers a script fetches they were 640 of a /move answer's
 * 1,016 bytes.
 */
export const API_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

const isJson = (contentType: unknown) => typeof contentType === 'string' && contentType.startsWith('application/json');

async function securityPlugin(app: FastifyInstance) {
  const page = pageHeaders();
  const { 'cache-control': noStore, ...api } = API_HEADERS;
  app.addHook('onRequest', (request, _reply, done) => {
    if (isCrossSite(request)) {
      done(new ForbiddenError('request/cross-site', 'Cross-site requests are not allowed'));
      return;
    }
    done();
  });
  // By what is sent, once it is known: JSON answers (errors included, wherever they come
  // from) get the API's headers, everything else (pages, scripts, styles, images) helmet's.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (isJson(reply.getHeader('content-type'))) {
      reply.headers(api);
      // A route that chose its own caching keeps it.
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', noStore);
    } else {
      reply.headers(page);
    }
    if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000');
    done(null, payload);
  });
}

export default fp(securityPlugin, { name: 'security' });
