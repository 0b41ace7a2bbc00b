# compute_ctl in a minimal container: the jlink runtime image, Debian's PostgreSQL 15 server
# binaries, and a non-root postgres user. No JDK in the final stage.
#
#   docker build --build-arg BUILD_TAG=v1.2.3 -t compute-ctl .

# --- build stage: the same build.sh that developers and CI run ---------------------------------
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven make ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
ARG BUILD_TAG=latest
ENV BUILD_TAG=${BUILD_TAG}
RUN make image

# --- final stage ---------------------------------------------------------------------------------
FROM debian:bookworm-slim
# postgresql-15 brings the server binaries; procps for kill(1), which signals Postgres.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15 procps \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/db/postgres/compute \
 && chown -R postgres:postgres /var/db/postgres
COPY --from=build /src/build/image /opt/compute_ctl
USER postgres
ENV POSTGRES_PATH=/usr/lib/postgresql/15/bin/postgres
EXPOSE 3080 3081 55433
# SIGTERM: compute_ctl forwards a fast shutdown (SIGINT) to Postgres and waits for it.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/opt/compute_ctl/bin/compute_ctl"]
CMD ["--help"]
