#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what is missing (Debian
# packages, Maven dependencies), then builds everything and runs every test:
# C host unit tests of the kernel logic, Java unit tests, and the QEMU tests
# that boot every example on both architectures.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec mvn -B -ntp verify "$@"
