# Refinery: one image for every instance. Build: docker build -t refinery .
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN corepack enable && apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
COPY client/package.json client/
COPY server/package.json server/
COPY shared/package.json shared/
COPY e2e/package.json e2e/
COPY bench/package.json bench/
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm build && pnpm --filter @refinery/server deploy --prod --legacy /out

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8787 DATA_DIR=/data CLIENT_DIST=/app/client
COPY --from=build /out /app/server
COPY --from=build /app/client/dist /app/client
USER node
EXPOSE 8787
CMD ["node", "server/dist/index.js"]
