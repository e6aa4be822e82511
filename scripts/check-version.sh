#!/usr/bin/env bash
# Fails unless `phase-mirror-mcp --version`, the CMake project version and the
# newest released entry of CHANGELOG.md name the same version.
set -euo pipefail
binary=$1
cmake_version=$2
root=$(cd "$(dirname "$0")/.." && pwd)
cli_version=$("$binary" --version | awk '{print $2}')
changelog_version=$(grep -m1 -oP '^## \[\K[0-9]+\.[0-9]+\.[0-9]+(?=\])' "$root/CHANGELOG.md")
echo "--version: $cli_version, CMake: $cmake_version, CHANGELOG: $changelog_version"
[[ "$cli_version" == "$cmake_version" && "$cli_version" == "$changelog_version" ]]
