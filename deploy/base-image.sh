#!/usr/bin/env bash
# The local base image for `make image` on machines that reach no container registry:
# Debian 13 (trixie: Python 3.13) made by debootstrap from Debian's own packages and
# imported into podman as localhost/debian:trixie. Made once; later runs reuse it.
set -euo pipefail
source "$(dirname "$0")/podman.sh"
BASE="${BASE_IMAGE:-localhost/debian:trixie}"
need_podman
if podman_ image exists "$BASE"; then
  echo "Base image $BASE exists."
  exit 0
fi
if ! command -v debootstrap >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
ROOTFS="${ROOTFS:-/var/tmp/rootfs-trixie}"
if [ ! -x "$ROOTFS/usr/bin/apt-get" ]; then
  rm -rf "$ROOTFS"
  echo "debootstrap trixie into $ROOTFS (about a minute)"
  debootstrap --variant=minbase trixie "$ROOTFS" >/dev/null
fi
tar -C "$ROOTFS" -c . | podman_ import - "$BASE" >/dev/null
rm -rf "$ROOTFS"
echo "Imported $BASE."
