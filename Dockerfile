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
# The class-data archive records the jars' paths, so it is trained in the final stage, where the
# image runs (and where PostgreSQL is), not here.
ENV COMPUTE_CTL_CDS=0
RUN make image

# --- runtime base: what the compute needs at run time ---------------------------------------------
FROM debian:bookworm-slim AS runtime
# postgresql-15 brings the server binaries (and the postgres user); procps for kill(1), which
# signals Postgres (and the JVM, for debug-bundle's thread dump); zstd unpacks remote extension
# archives; util-linux's flock checks local_proxy's pid file. Debian would also create and
# start a "main" cluster: compute_ctl makes its own PGDATA, so that is switched off first.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-common \
 && sed -ri 's/^#? *create_main_cluster *=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf \
 && apt-get install -y --no-install-recommends postgresql-15 procps zstd util-linux \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/db/postgres/compute \
 && chown -R postgres:postgres /var/db/postgres
COPY --from=build /src/build/image /opt/compute_ctl

# --- training stage: the class-data archive, trained with the dev kit on a real start ---------------
# The archive records the jars' paths, so it is trained where the image runs (/opt/compute_ctl,
# with PostgreSQL); the dev kit that drives the training stays in this stage.
FROM runtime AS training
COPY --from=build /src/build/devkit-classes /tmp/devkit
RUN /opt/compute_ctl/bin/java -cp '/tmp/devkit:/opt/compute_ctl/lib/app/*' \
      computectl.training.CdsTraining /opt/compute_ctl /opt/compute_ctl/lib/server/app.jsa \
 || echo "no trained class-data archive: compute_ctl starts without it"

# --- final stage ---------------------------------------------------------------------------------
FROM runtime
# A faster boot (see README "Performance"); without the archive compute_ctl starts a little slower.
COPY --from=training /opt/compute_ctl/lib/server/ /opt/compute_ctl/lib/server/
USER postgres
ENV POSTGRES_PATH=/usr/lib/postgresql/15/bin/postgres
EXPOSE 3080 3081 55433
# SIGTERM: compute_ctl sends Postgres SIGINT (fast shutdown: a shutdown checkpoint, clients cut
# off) and waits up to 60 s for it, then SIGQUIT. Give it that long: docker stop -t 75.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/opt/compute_ctl/bin/compute_ctl"]
CMD ["--help"]
