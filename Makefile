# SPDX-License-Identifier: GPL-2.0
# ksvc: Kubernetes Service proxy in the kernel.
#
#   make                 ksvc.ko for the running kernel, and ctl/ksvcctl
#   make KVER=<release>  (or KDIR=<build tree>) for another kernel
#   make demo            the demo, in a VM
#   make check           every test, on every kernel of the matrix
#                        (KERNELS="6.1" narrows it)
#   make install | dkms-install | dkms-remove | style | sparse | clean
#
# (Kbuild, not this file, describes the module to the kernel's build.)

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

install: module ctl
	$(MAKE) -C $(KDIR) M=$(CURDIR) KSVC_VERSION=$(VERSION) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KVER)
	$(MAKE) -C ctl install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

DKMS_SRC = /usr/src/ksvc-$(VERSION)
dkms-install:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cp -a Kbuild Makefile VERSION dkms.conf kmod uapi $(DKMS_SRC)/
	sed -i 's/@VERSION@/$(VERSION)/' $(DKMS_SRC)/dkms.conf
	dkms add ksvc/$(VERSION)
	dkms build ksvc/$(VERSION) -k $(KVER)
	dkms install ksvc/$(VERSION) -k $(KVER)

dkms-remove:
	-dkms remove ksvc/$(VERSION) --all
	rm -rf $(DKMS_SRC)

CHECKPATCH ?= $(KDIR)/scripts/checkpatch.pl
style:
	$(CHECKPATCH) --no-tree --strict --terse --ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES -f kmod/*.c kmod/*.h uapi/linux/ksvc.h

sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) KSVC_VERSION=$(VERSION) C=2 CF="-D__CHECK_ENDIAN__" modules

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	$(MAKE) -C ctl clean
	rm -rf .build

.PHONY: all module module-debug ctl deps check demo install dkms-install dkms-remove style sparse clean
