# One image for every quiz service, every version and the load generator (see skaffold.yaml for why
# one). Node 24 runs the TypeScript sources directly (type stripping): there is no build step, so
# the final image holds the .ts files, production node_modules and nothing else.
#
# Architectures: node:*-slim is published for linux/amd64 and linux/arm64 and nothing here compiles
# native code, so a plain `docker build` makes a native image on either (Apple Silicon included).
# One image for both needs a buildx builder that can hold it and a registry to push it to: Docker's
# default builder keeps one platform only (`docker buildx create --use` makes one that can), e.g.
# `docker buildx build --platform linux/amd64,linux/arm64 -t REGISTRY/quizmesh --push .`
# Pinned to the Node release the project is tested with; pin the digest too for reproducible builds.
ARG NODE_IMAGE=node:24.21.0-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency needs an install script, and none should run at build time.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json ./
COPY --chown=root:root services ./services
COPY --chown=root:root cli ./cli
COPY --chown=root:root mesh ./mesh
COPY --chown=root:root local ./local
COPY --chown=root:root tracestore ./tracestore
COPY --chown=root:root mesh-client ./mesh-client
COPY --chown=root:root console ./console
# Files owned by root and read-only to the app; it runs as the image's `node` user (uid 1000) and
# writes only to /tmp and, for scores, its data volume: readOnlyRootFilesystem holds.
USER 1000:1000
EXPOSE 8080
# Exec form, no shell: SIGTERM reaches node, which fails readiness, drains and exits.
# The tracing preload comes first; each Deployment names its service with `args`, e.g.
# `args: [services/quiz/main.ts]`. The default runs frontend.
ENTRYPOINT ["node", "--import", "./services/kit/instrumentation.ts"]
CMD ["services/frontend/main.ts"]
