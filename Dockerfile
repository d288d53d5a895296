# One image for every role of the service. The default command is the all-in-one process; the
# compose file runs the same image as `node dist/services/roles/api.js`, `…/projector.js` and
# `…/publisher.js`.
#
#   docker build -t crm-discovery .
#   docker run -p 3000:3000 -e AUTH_JWT_SECRET=<32+ chars> -v crm-data:/data crm-discovery

# --- build: compile TypeScript, then keep only the production dependencies -------------------------
FROM node:22-bookworm-slim AS build
# better-sqlite3 compiles from source when no prebuilt binary can be downloaded.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# `npm run build` is `tsc -b` over every project, tests included; the image needs none of the tests.
RUN npm run build \
 && rm -rf dist/test dist/*.tsbuildinfo \
 && npm prune --omit=dev --no-audit --no-fund

# --- runtime --------------------------------------------------------------------------------------
FROM node:22-bookworm-slim AS runtime
# NODE_OPTIONS: the Node flags `npm start` runs the service with (package.json), for every role:
# a young generation twice the default, so that scavenges come less often under load (README,
# "A larger young generation").
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=32 \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
# The specification's PDF embeds Noto Sans CJK (DOCUMENT_FONT), so Chinese reads the same everywhere.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*
# The code stays owned by root (read-only for the process); only the data directory is writable.
RUN mkdir -p /data && chown node:node /data
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
VOLUME ["/data"]
EXPOSE 3000
# No curl in the slim image: Node's own fetch does the probe.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/services/roles/main.js"]
