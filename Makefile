# compute_ctl: `make` builds $(B)/image (the runtime image with bin/compute_ctl), `make unit` runs
# the fast tests (no PostgreSQL, no image), `make test` runs every test, `make demo` runs a compute
# locally, `make bench` measures. build.sh holds the build and test steps; the dev kit's commands
# (demo, fleet-demo, bench, fuzz) are test/devkit/devkit.sh's.
SHELL := /bin/bash
# BUILD_DIR lets several builds share one work tree (e.g. make test BUILD_DIR=build-x).
BUILD_DIR ?= build
export BUILD_DIR
B := $(BUILD_DIR)
SRC := $(shell find src -type f)
# test/devkit is the dev kit (stand-ins, demo, fleet demo, class-data training): built beside the
# tests, never shipped.
DEVKIT := $(shell find test/devkit -type f)
TEST := $(shell find test -path test/devkit -prune -o -type f -print)

.PHONY: all image unit test demo bench clean FORCE

all: image

$(B)/build_tag: FORCE
	@./build.sh build-tag

deps/lib/.verified: deps/deps.txt
	@./build.sh deps

$(B)/classes/.done: $(SRC) deps/lib/.verified
	./build.sh classes
	@touch $@

# build.sh decides what goes into which jar and how the image is made: an edit of it rebuilds both.
$(B)/compute_ctl.jar: $(B)/classes/.done build.sh
	./build.sh jar

$(B)/devkit-classes/.done: $(DEVKIT) $(B)/classes/.done
	./build.sh devkit
	@touch $@

# The image step trains the class-data archive with the dev kit.
$(B)/image/bin/compute_ctl: $(B)/compute_ctl.jar $(B)/devkit-classes/.done $(B)/build_tag build.sh
	./build.sh image

image: $(B)/image/bin/compute_ctl

$(B)/test-classes/.done: $(TEST) $(B)/classes/.done $(B)/devkit-classes/.done
	./build.sh test-classes
	@touch $@

# make unit: the tests not tagged e2e (JUnit @Tag("e2e") marks those that need PostgreSQL, the
# built image or a compute_ctl process), with a shortened fuzz run.
unit: $(B)/test-classes/.done
	TEST_SCOPE=unit ./build.sh test

test: image $(B)/test-classes/.done
	./build.sh test

demo: image
	test/devkit/devkit.sh demo

# make fmt formats src/ and test/ (google-java-format); make fmt-check fails on a file it would
# change; make lint compiles both with Error Prone, warnings as errors. Development tools only.
.PHONY: fmt fmt-check lint
fmt: deps/lib/.verified
	./build.sh fmt
fmt-check: deps/lib/.verified
	./build.sh fmt-check
lint: deps/lib/.verified
	./build.sh lint

# make fuzz: the bounded fuzz tests of make test, longer (FUZZ_CASES per target, FUZZ_SEED).
.PHONY: fuzz
fuzz: image $(B)/test-classes/.done
	test/devkit/devkit.sh fuzz

bench: image $(B)/test-classes/.done
	test/devkit/devkit.sh bench

# make fleet-demo: six computes from two builds (tags v1, v2; built into $(B)-v1 and $(B)-v2)
# scraped by a real Prometheus with deploy/prometheus's rules. FLEET_DEMO_ARGS=--keep-running
# leaves it all running until Ctrl-C.
.PHONY: fleet-demo
fleet-demo: deps/lib/.verified
	test/devkit/devkit.sh fleet-demo

# make container: the Dockerfile's image, with docker, podman or buildah (whichever works here);
# make container-test: that image run against the stand-ins on the host. Both in
# test/container/container.sh (CONTAINER_ENGINE, CONTAINER_IMAGE, CA_CERTS, POSTGRES_JIT).
.PHONY: container container-test
container:
	test/container/container.sh build
container-test: image $(B)/test-classes/.done
	test/container/container.sh test

clean:
	rm -rf $(B)
