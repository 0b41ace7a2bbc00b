# compute_ctl: `make` builds build/image (the runtime image with bin/compute_ctl),
# `make test` runs every test, `make demo` runs a compute locally, `make bench` measures.
SHELL := /bin/bash
SRC := $(shell find src -type f)
TEST := $(shell find test -type f)

.PHONY: all image test demo bench clean FORCE

all: image

build/build_tag: FORCE
	@./build.sh build-tag

deps/lib/.verified: deps/deps.txt
	@./build.sh deps

build/classes/.done: $(SRC) build/build_tag deps/lib/.verified
	./build.sh classes
	@touch $@

build/compute_ctl.jar: build/classes/.done
	./build.sh jar

build/image/bin/compute_ctl: build/compute_ctl.jar
	./build.sh image

image: build/image/bin/compute_ctl

build/test-classes/.done: $(TEST) build/classes/.done
	./build.sh test-classes
	@touch $@

test: image build/test-classes/.done
	./build.sh test

demo: image
	./build.sh demo

bench: image build/test-classes/.done
	./build.sh bench

clean:
	rm -rf build
