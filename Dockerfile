# One image for both services: `args: ["service-a"]` or `["service-b"]` picks which one runs.
# Build with `make images` (or `docker build -t grpc-k8s-lab:dev .`).
# BASE_IMAGE: node:20-slim from Docker Hub by default; where no registry is reachable,
# node/images/build.sh makes an equivalent locally and passes it with --build-arg BASE_IMAGE=...

ARG BASE_IMAGE=node:20-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY proto ./proto
COPY services ./services
COPY scripts ./scripts
COPY bench ./bench
RUN npx tsc -p tsconfig.json

FROM ${BASE_IMAGE} AS runtime
# tini runs as PID 1 and forwards signals: Node as PID 1 would ignore a SIGTERM it has no handler
# for, and round 2's "no handler" variant depends on Node's default (die at once) happening here
# exactly as it does on the local platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY proto ./proto
# The `node` user of the base image, by number, so that `runAsNonRoot: true` can verify it.
USER 1000:1000
EXPOSE 50051 8080 9090
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/services/entrypoint.js"]
