# syntax=docker/dockerfile:1
# kroute operator image.
#   docker build -t kroute:dev .
# Stage 1 compiles TypeScript with all dependencies, stage 2 keeps only what runs: dist/, the production
# node_modules and package.json (its "type": "module" makes Node load dist/*.js as ES modules).
# The runtime image has Node and nothing else: no shell, no package manager, user 65532 ("nonroot").

ARG NODE_MAJOR=20

FROM node:${NODE_MAJOR}-bookworm-slim AS build
WORKDIR /app
# Dependencies first: this layer is rebuilt only when the lock file changes, not on every source edit.
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency needs an install script (no native module), so none gets to run one.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# Same Debian release and Node major as the build stage.
FROM gcr.io/distroless/nodejs${NODE_MAJOR}-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production
# Everything is owned by root and read-only for the process: the container runs with a read-only root
# filesystem and kroute writes no file.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER 65532:65532
EXPOSE 8080 8081
# Node runs kroute directly (no npm, no shell), so SIGTERM reaches kroute and it can release its Lease.
# Arguments given to the container (`docker run kroute:dev --log-level=debug`, or `args:` in a pod) are
# kroute's flags. Source maps turn stack traces back into TypeScript file and line numbers.
ENTRYPOINT ["/nodejs/bin/node", "--enable-source-maps", "dist/main.js"]
