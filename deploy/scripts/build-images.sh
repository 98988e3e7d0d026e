#!/usr/bin/env bash
# Builds the JVM container image of the gateway and every service, tagged with the Maven
# project version (the tag deploy/kubernetes pins), from the repository root:
#
#   deploy/scripts/build-images.sh                 # company-agents/<module>:<version>
#   REGISTRY=registry.example.com deploy/scripts/build-images.sh --push
#
# Needs a container engine (docker, or podman with DOCKER=podman).
set -euo pipefail
cd "$(dirname "$0")/../.."
docker="${DOCKER:-docker}"
version="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)"
prefix="${REGISTRY:+$REGISTRY/}company-agents"
./mvnw -B -q package -DskipTests
for module in agents-service tasks-service ledger-service audit-service secrets-service gateway; do
  image="$prefix/$module:$version"
  "$docker" build -f "$module/src/main/docker/Dockerfile.jvm" --build-arg VERSION="$version" -t "$image" "$module"
  [[ "${1:-}" == "--push" ]] && "$docker" push "$image"
  echo "built $image"
done
