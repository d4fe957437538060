#!/usr/bin/env bash
# `make image`: the app image, localhost/intervy:latest, on BASE_IMAGE. Here (no registry)
# the default base is the local Debian trixie image; elsewhere pass BASE_IMAGE=python:3.13-slim.
set -euo pipefail
source "$(dirname "$0")/podman.sh"
need_podman
build_image
