# SPDX-License-Identifier: GPL-2.0
# ksvc: Kubernetes Service proxy in the kernel.
#
#   make                 ksvc.ko for the running kernel, and ctl/ksvcctl
#   make KVER=<release>  (or KDIR=<build tree>) for another kernel
#   make demo            the demo, in a VM
#   make check           every test, on every kernel of the matrix
#                        (KERNELS="6.1" narrows it)
#   make install | dkms-install | dkms-remove | style | sparse | clean
#   make dkms-check      DKMS builds for every kernel of the matrix
#   make bench           ksvc against kube-proxy's modes (bench/run)
#
# (Kbuild, not this file, describes the module to the kernel's build.)

SHELL := /bin/bash
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
VERSION := $(shell cat VERSION)
PREFIX ?= /usr/local
DESTDIR ?=

all: module ctl

module:
	@test -d "$(KDIR)" || { echo "no kernel build tree at $(KDIR): install linux-headers-$(KVER), or give KVER= or KDIR= (scripts/deps installs the matrix's headers)"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) KSVC_VERSION=$(VERSION) modules

module-debug:
	$(MAKE) -C $(KDIR) M=$(CURDIR) KSVC_VERSION=$(VERSION) ccflags-y+=-DDEBUG modules

ctl:
	$(MAKE) -C ctl

deps:
	scripts/deps

check: deps
	scripts/check

demo: deps
	scripts/demo

# The whole suite on the debug kernel with the long versions of the
# reliability tests (STRESS_KERNEL= to change, STRESS_TESTS= to run some of
# them; make check runs part of the suite there), then every control-plane
# test there (make check runs them on 6.1 and 6.12), the API server's
# outage longer.
STRESS_TESTS ?=
stress: deps
	$(MAKE) -s -C ctl
	$(MAKE) -s -C selftests
	scripts/vm --kernel $${STRESS_KERNEL:-debug} --timeout 21600 -- \
		env KSVC_FUZZ_SECONDS=1200 KSVC_FUZZ_EXTACK=50000 KSVC_CHURN=500 KSVC_REPLACES=300 KSVC_FAILSLAB_STEP=1 KSVC_FAILSLAB_PAIRS=75 KSVC_TEST_TIMEOUT=14000 \
		selftests/run.sh $(STRESS_TESTS)
	scripts/k8s-build >/dev/null
	scripts/k8s-run -- scripts/vm --kernel $${STRESS_KERNEL:-debug} --k8s --timeout 7200 -- \
		env KSVC_K8S_OUTAGE=120 KSVC_TEST_TIMEOUT=7000 \
		selftests/run.sh $$(cd selftests && ls k8s/*.sh | grep -v '/lib\.sh$$')

# Benchmarks against kube-proxy's modes, in a VM (never part of check;
# BENCH_QUICK=1 for a short run, see bench/run).
bench: deps
	bench/run

# The module goes to /lib/modules/$(KVER)/updates/ (DESTDIR= stages it, and
# then depmod is left to the package that installs it).  Unsigned: a
# distribution's headers carry no signing key (DKMS signs with its own).
install: module ctl
	$(MAKE) -C $(KDIR) M=$(CURDIR) KSVC_VERSION=$(VERSION) INSTALL_MOD_DIR=updates \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) CONFIG_MODULE_SIG_ALL= modules_install
	$(if $(DESTDIR),,depmod -a $(KVER))
	$(MAKE) -C ctl install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

# DKMS: the module's sources (never the objects of an in-place build) in
# /usr/src/ksvc-<version>, built now for $(KVER) and, by DKMS, for every
# kernel installed later.  scripts/dkms-check uses dkms-source with a
# temporary DKMS_SRC and VERSION.
DKMS_SRC = /usr/src/ksvc-$(VERSION)
dkms-source:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)/kmod $(DKMS_SRC)/uapi/linux
	cp Kbuild Makefile VERSION dkms.conf $(DKMS_SRC)/
	cp kmod/Kbuild kmod/*.c kmod/*.h $(DKMS_SRC)/kmod/
	cp uapi/linux/*.h $(DKMS_SRC)/uapi/linux/
	sed -i 's/@VERSION@/$(VERSION)/' $(DKMS_SRC)/dkms.conf

dkms-install:
	-dkms remove ksvc/$(VERSION) --all >/dev/null 2>&1
	$(MAKE) dkms-source
	dkms add ksvc/$(VERSION)
	dkms build ksvc/$(VERSION) -k $(KVER)
	dkms install ksvc/$(VERSION) -k $(KVER)

dkms-check: deps
	scripts/dkms-check

dkms-remove:
	-dkms remove ksvc/$(VERSION) --all
	rm -rf $(DKMS_SRC)

style:
	scripts/style

# sparse on every kernel of the matrix (KERNELS= narrows it).
sparse:
	@set -e; . scripts/lib.sh; for k in $${KERNELS:-$$(kernel_names)}; do \
		echo "sparse: $$k"; KSVC_SPARSE=1 scripts/build-kmod $$k >/dev/null; done

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	$(MAKE) -C ctl clean
	rm -rf .build

.PHONY: stress all module module-debug ctl deps check demo bench install dkms-source dkms-install dkms-check dkms-remove style sparse clean
