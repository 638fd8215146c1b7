# syntax=docker/dockerfile:1
# Tic-tac-toe: the Fastify server, its compiled shared rules and the built React client.
#
#   docker build -t tictactoe .
#   docker build -t tictactoe --build-arg VERSION=1.4.0 --build-arg REVISION="$(git rev-parse HEAD)" .
#   docker run --rm -p 5000:5000 --ulimit nofile=65536:65536 -e SESSION_SECRET="$(openssl rand -base64 48)" tictactoe
#
# Every stage starts from the same pinned Debian-based Node image (no Alpine: the build's native
# tools and sodium-native's prebuilt binaries are used on glibc). Stages:
#   build         npm ci + npm run build, on the builder's platform (all dev tools; never shipped)
#   deps          the server's production dependencies only, on the target platform
#   runtime-root  the base image minus what a running server never uses (npm, yarn, docs, apt lists)
#   (final)       that trimmed filesystem as one layer, plus the app, run as `node`
# Why the last two: the node image alone is about 250 MB, so deleting files in a stage built on
# it would shrink nothing; copying the trimmed filesystem into an empty image is what keeps the
# image under 250 MB (scripts/test-container.sh checks it). The cost: the base is not shared as
# layers with other node images (Fargate caches no layers anyway). Change the tag in all FROMs;
# README's "The image" says how to pin it by digest and keep it current.
# npm's download cache is a build cache mount (BuildKit, or Buildah/podman): kept between builds,
# never in a layer. The first line picks the current Dockerfile syntax, which has them.

# ---------------------------------------------------------------------------------------------
# The build's output is plain JavaScript and CSS: build it on the builder's own platform, so a
# multi-platform build (--platform linux/amd64,linux/arm64) runs tsc and Vite natively, once.
FROM --platform=$BUILDPLATFORM node:24-bookworm-slim AS build
WORKDIR /app
# Manifests first: the npm ci layer is reused until a dependency changes.
COPY package.json package-lock.json .npmrc ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY client/package.json client/
COPY e2e/package.json e2e/
RUN --mount=type=cache,target=/root/.npm npm ci --prefer-offline
COPY . .
RUN npm run build

# ---------------------------------------------------------------------------------------------
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY shared/package.json shared/
COPY server/package.json server/
# Only the server's production dependencies; node_modules/@ttt/shared links to ../../shared.
# Then drop what Node never loads at run time: type declarations, TypeScript sources, source
# maps, Markdown, and sodium-native's prebuilt binaries for other operating systems.
RUN --mount=type=cache,target=/root/.npm npm ci --prefer-offline --omit=dev --workspace server --include-workspace-root=false \
 && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.cts' -o -name '*.d.mts' -o -name '*.ts' \
      -o -name '*.map' -o -name '*.md' \) -delete \
 && if [ -d node_modules/sodium-native/prebuilds ]; then \
      find node_modules/sodium-native/prebuilds -mindepth 1 -maxdepth 1 ! -name 'linux-*' -exec rm -rf {} +; \
    fi

# ---------------------------------------------------------------------------------------------
FROM node:24-bookworm-slim AS runtime-root
# The server needs node and glibc, nothing else: no package managers, headers, manuals,
# translations or apt indexes (also fewer packages for a scanner to flag).
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* /usr/local/include/node /usr/local/etc/npmrc \
      /usr/local/share/doc /usr/local/share/man /usr/local/share/systemtap \
      /usr/share/doc /usr/share/man /usr/share/info /usr/share/locale /usr/share/lintian \
      /var/lib/apt/lists/* /var/cache/apt/* /var/cache/debconf/*-old /var/log/* /root/.npm /tmp/* \
 && node --version

# ---------------------------------------------------------------------------------------------
FROM scratch
COPY --from=runtime-root / /
# OCI labels: where the image comes from and which commit and version it is (set by the build,
# e.g. deploy/deploy-ecs.sh); registries and scanners show them.
ARG SOURCE=unknown
ARG REVISION=unknown
ARG VERSION=dev
LABEL org.opencontainers.image.title="tictactoe" \
      org.opencontainers.image.description="Tic-tac-toe: on one screen, against the computer, or online" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.version="${VERSION}"
# MALLOC_ARENA_MAX=2: glibc's per-thread arenas (libuv's pool hashes passwords) grew RSS by
# 65 MB over the first 100 sign-ins; with two arenas, by 16-34 MB, at the same speed.
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    NODE_ENV=production \
    LOG_FORMAT=json \
    PORT=5000 \
    HOST=0.0.0.0 \
    MALLOC_ARENA_MAX=2

# server/dist/config.js finds the client at ../../client/dist, i.e. /app/client/dist.
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/shared/package.json ./shared/
COPY --from=build /app/shared/dist ./shared/dist
COPY --from=build /app/server/package.json ./server/
COPY --from=build /app/server/dist ./server/dist
# index.html, the hashed assets and their precompressed .gz/.br twins.
COPY --from=build /app/client/dist ./client/dist

# Files stay root-owned and read-only to the app; it writes nothing to disk.
USER node
EXPOSE 5000
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||5000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself (main.ts closes gracefully, exit 0).
CMD ["node", "server/dist/main.js"]
