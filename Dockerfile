# compute_ctl in a minimal container: the jlink runtime image, Debian's PostgreSQL 15 server
# binaries, and a non-root postgres user. No JDK, compiler or package cache in the final stage.
#
#   make container                      # finds docker, podman or buildah (README "Container")
#   docker build --build-arg BUILD_TAG=v1.2.3 -t compute-ctl .
#
# Build arguments:
#   BUILD_TAG        the tag compute_ctl reports (--version, /metrics); default latest
#   EXTRA_CA_CERTS   PEM text of CA certificates the build stage must trust (an HTTPS proxy's own
#                    CA, for Maven Central): added to its system and Java trust stores, never to
#                    the final image. Only needed when deps/lib does not already hold the jars.
#   POSTGRES_JIT     "on" keeps PostgreSQL's LLVM JIT (llvmjit.so and libLLVM, about 120 MB);
#                    default "off", as in Neon's own computes, whose Postgres is built without it

# --- build stage: the same build.sh that developers and CI run ---------------------------------
FROM debian:bookworm-slim AS build
# binutils: jlink --strip-debug runs objcopy. man1: the JDK's packages register their man pages
# as alternatives, which fails where the slim image left out /usr/share/man.
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates openjdk-17-jdk-headless binutils make \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
ARG EXTRA_CA_CERTS=
# One file per certificate, as update-ca-certificates wants them; it also adds them to Java's
# trust store (Debian's ca-certificates-java hook), which Maven uses.
RUN if [ -n "$EXTRA_CA_CERTS" ]; then \
      printf '%s\n' "$EXTRA_CA_CERTS" | awk '/-----BEGIN CERTIFICATE-----/ { n++ } \
        n { print > ("/usr/local/share/ca-certificates/build-extra-" n ".crt") }' \
      && update-ca-certificates; \
    fi
WORKDIR /src
# deps/lib, when the build context has it (after any make), already holds the pinned jars that
# build.sh checked; only without it (or with it older than deps.txt) does the stage need Maven.
COPY deps/ deps/
RUN if ! [ deps/lib/.verified -nt deps/deps.txt ]; then \
      apt-get update && apt-get install -y --no-install-recommends maven \
      && apt-get clean && rm -rf /var/lib/apt/lists/*; \
    fi
COPY Makefile build.sh ./
COPY src/ src/
COPY test/devkit/ test/devkit/
ARG BUILD_TAG=latest
ENV BUILD_TAG=${BUILD_TAG}
# The class-data archive records the jars' paths, so it is trained where the image runs (below).
ENV COMPUTE_CTL_CDS=0
RUN make image

# --- runtime base: what the compute needs at run time ---------------------------------------------
FROM debian:bookworm-slim AS runtime
ARG POSTGRES_JIT=off
# postgresql-15 brings the server binaries (and the postgres user); procps for kill(1), which
# signals Postgres (and the JVM, for debug-bundle's thread dump); zstd unpacks remote extension
# archives; util-linux's flock checks local_proxy's pid file. Debian would also create and start
# a "main" cluster: compute_ctl makes its own PGDATA, so that is switched off first. Without JIT,
# dpkg leaves out Postgres's JIT provider and the LLVM library only it uses (the server then runs
# without JIT, as with jit = off); the packages stay installed, so apt stays consistent.
RUN if [ "$POSTGRES_JIT" != on ]; then \
      printf '%s\n' 'path-exclude=/usr/lib/postgresql/*/lib/llvmjit*' \
        'path-exclude=/usr/lib/postgresql/*/lib/bitcode/*' \
        'path-exclude=/usr/lib/*/libLLVM-*' 'path-exclude=/usr/lib/*/libz3.so*' \
        >/etc/dpkg/dpkg.cfg.d/no-postgres-jit; \
    fi \
 && mkdir -p /usr/share/man/man1 /usr/share/man/man7 \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-common \
 && sed -ri 's/^#? *create_main_cluster *=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf \
 && apt-get install -y --no-install-recommends postgresql-15 procps zstd util-linux \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log \
 && mkdir -p /var/db/postgres/compute \
 && chown -R postgres:postgres /var/db/postgres
COPY --from=build /src/build/image /opt/compute_ctl

# --- training stage: the class-data archive, trained with the dev kit on a real start ------------
# JDK 17 accepts an archive only with the jars at the paths, sizes and times it was trained with:
# this stage and the final one share the runtime stage's /opt/compute_ctl, and only the archive
# is copied over. The dev kit that drives the training stays in this stage.
FROM runtime AS training
COPY --from=build /src/build/devkit-classes /tmp/devkit
RUN /opt/compute_ctl/bin/java -cp '/tmp/devkit:/opt/compute_ctl/lib/app/*' \
      computectl.training.CdsTraining /opt/compute_ctl /opt/compute_ctl/lib/server/app.jsa

# --- final stage ---------------------------------------------------------------------------------
FROM runtime
# A faster boot (see README "Performance").
COPY --from=training /opt/compute_ctl/lib/server/app.jsa /opt/compute_ctl/lib/server/app.jsa
USER postgres
WORKDIR /var/db/postgres
ENV POSTGRES_PATH=/usr/lib/postgresql/15/bin/postgres
EXPOSE 3080 3081 55433
# SIGTERM: compute_ctl sends Postgres SIGINT (fast shutdown: a shutdown checkpoint, clients cut
# off) and waits up to 60 s for it, then SIGQUIT. Give it that long: docker stop -t 75.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/opt/compute_ctl/bin/compute_ctl"]
CMD ["--help"]
