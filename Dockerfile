# TrekTribe: one Node process and one SQLite file on the /data volume.
#   docker build -t trektribe .
#   docker run -p 3000:3000 -v trektribe-data:/data -e PUBLIC_URL=https://treks.example.in trektribe

# --- build: all dependencies, compile TypeScript, then drop the dev dependencies ---
FROM node:22-slim AS build
WORKDIR /app
# better-sqlite3, sharp and argon2 install prebuilt binaries; the toolchain is the fallback
# for platforms without one. It stays in this stage only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY views ./views
COPY migrations ./migrations
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- run: production dependencies, compiled code and static files, as a non-root user ---
FROM node:22-slim
ENV NODE_ENV=production \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# app.css/app.js are bundled at start from static/ and the vendored pico/htmx packages.
COPY static ./static
RUN mkdir -p /data && chown node:node /data
USER node
# The database (trektribe.db + WAL), uploads/ and backups/ live here.
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: stop accepting, finish requests and the running job, close the database.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/server.js"]
