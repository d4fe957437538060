# Sourced by the deploy scripts: podman as CONTAINERS.md found it works on these machines
# (runc and cgroupfs, no rlimits), with the host's CA bundle for the registry proxy.
# shellcheck shell=bash
DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT_DIR="$(dirname "$DEPLOY_DIR")"
STATE_DIR="$PROJECT_DIR/.podman"
mkdir -p "$STATE_DIR"
if [ ! -f "$STATE_DIR/containers.conf" ]; then
  printf '[containers]\ndefault_ulimits = []\n' > "$STATE_DIR/containers.conf"
fi
export CONTAINERS_CONF="$STATE_DIR/containers.conf"
HOST_CA="${HOST_CA:-/etc/ssl/certs/ca-certificates.crt}"
podman_() { podman --runtime runc --cgroup-manager=cgroupfs "$@"; }

need_podman() {
  if command -v podman >/dev/null && command -v runc >/dev/null; then return; fi
  if [ "$(id -u)" != 0 ]; then
    echo "podman and runc are needed: apt-get install podman runc" >&2; exit 1
  fi
  echo "Installing podman and runc (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc >/dev/null
}

IMAGE="${IMAGE:-localhost/intervy:latest}"
POSTGRES_IMAGE="${POSTGRES_IMAGE:-localhost/intervy-postgres:17}"

# Build the app image on BASE_IMAGE (the local Debian image unless told otherwise).
build_image() {
  local base="${BASE_IMAGE:-localhost/debian:trixie}"
  if [ "$base" = "localhost/debian:trixie" ]; then "$DEPLOY_DIR/base-image.sh"; fi
  echo "Building $IMAGE on $base"
  # The host's CA bundle, for pip behind a TLS-intercepting proxy, when there is one.
  local ca=()
  if [ -f "$HOST_CA" ]; then
    ca=(--volume "$HOST_CA:/run/host-ca.crt:ro" --build-arg PIP_CERT=/run/host-ca.crt)
  fi
  podman_ build --quiet --format docker "${ca[@]}" --build-arg BASE_IMAGE="$base" \
    -t "$IMAGE" -f "$PROJECT_DIR/Dockerfile" "$PROJECT_DIR" >/dev/null
  echo "Built $IMAGE: $(podman_ image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"
}
