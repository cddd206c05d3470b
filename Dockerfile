# Exflow runtime + web app. Build: docker build -t exflow . (or docker compose build)
#
# Stage 1 installs every dependency and builds: tsc compiles shared and runtime to dist/, Vite
# builds the web app (pre-compressed). `pnpm deploy --prod` then gathers the runtime's dist/ and
# its production dependencies only (shared injected as built JavaScript) into /deploy.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json ./
COPY packages/shared/package.json packages/shared/
COPY packages/runtime/package.json packages/runtime/
COPY packages/designer/package.json packages/designer/
RUN npx -y pnpm@10.34.8 install --frozen-lockfile
COPY packages packages
COPY templates templates
RUN npx -y pnpm@10.34.8 build \
 && npx -y pnpm@10.34.8 --filter @exflow/runtime deploy --legacy --prod /deploy

# Stage 2: node, the built runtime, its production dependencies, the web app and the template
# packs, in the repository's layout (main.js finds ../../../templates and ../../designer/dist).
FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000 EXFLOW_DATA_DIR=/data/pglite
WORKDIR /app
COPY --from=build /deploy packages/runtime
COPY --from=build /src/packages/designer/dist packages/designer/dist
COPY --from=build /src/templates templates
# PGlite's folder (unused when DATABASE_URL is set) is the only place the process writes
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
WORKDIR /app/packages/runtime
CMD ["node", "dist/main.js"]
