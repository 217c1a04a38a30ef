# Hartslag on the official Deno image (Debian, with tini as PID 1 so SIGTERM reaches Deno).
#   docker build -t hartslag .
#   docker run -p 8000:8000 -v hartslag-data:/data -e HARTSLAG_ADMIN_TOKEN=change-me hartslag
# See compose.yaml for Hartslag with PostgreSQL.
FROM denoland/deno:2.9.6

# The image's unprivileged user "deno" owns the app, the data volume and the module cache.
RUN mkdir -p /app /data && chown deno:deno /app /data
WORKDIR /app
USER deno

# Dependencies first: this layer is rebuilt only when deno.json or deno.lock change.
COPY --chown=deno:deno deno.json deno.lock ./
RUN deno install

# The source, then the island bundles ahead of time (this also caches the bundler).
COPY --chown=deno:deno . .
RUN deno task build && deno cache main.ts

ENV PORT=8000 \
    HARTSLAG_DATA_DIR=/data
EXPOSE 8000
VOLUME ["/data"]

HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["deno", "eval", "const r = await fetch(`http://127.0.0.1:${Deno.env.get('PORT') ?? 8000}/healthz`).catch(() => null); Deno.exit(r?.ok ? 0 : 1)"]

# `deno task start` runs this same command; running it directly lets the signal go straight
# to the server, which drains and exits 0 (give it HARTSLAG_SHUTDOWN_TIMEOUT_MS to do so).
CMD ["run", "--cached-only", "--v8-flags=--max-semi-space-size=32", "--allow-net", "--allow-env", "--allow-read", "--allow-write", "--allow-sys", "main.ts", "serve"]
