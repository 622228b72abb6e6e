#!/usr/bin/env bash
# Render every kustomize overlay under deploy/k8s/overlays and validate each object offline:
#   built-in kinds  -> k8s.io/api strict decoding + the Kubernetes OpenAPI v3 documents of KUBERNETES_VERSION
#   Strimzi         -> CRDs generated from io.strimzi:api with io.strimzi:crd-generator (Maven Central)
#   ECK             -> config/crds/v1/all-crds.yaml of the github.com/elastic/cloud-on-k8s/v3 Go module
#   CloudNativePG   -> no schema obtainable offline: metadata checks only (listed as such)
# The first run installs everything under <repo>/.cache/k8s (Go module proxy, Maven Central); later runs
# need no network (GOPROXY=off, maven offline). Exits non-zero on any error.
set -euo pipefail

KUSTOMIZE_VERSION=v5.8.1          # v5.8.2+ need Go 1.27
KUBERNETES_VERSION=v1.37.2        # k8s.io/kubernetes module: api/openapi-spec/v3
ECK_VERSION=v3.5.0                # github.com/elastic/cloud-on-k8s/v3
STRIMZI_VERSION=1.2.0             # io.strimzi:api, io.strimzi:crd-generator (need Java >= 21 to run)
UNVALIDATED_GROUPS="postgresql.cnpg.io/v1,barmancloud.cnpg.io/v1"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
CACHE="${MAILLAGE_K8S_CACHE:-$ROOT/.cache/k8s}"
SCHEMAS="$CACHE/schemas"
mkdir -p "$CACHE/bin" "$SCHEMAS" "$CACHE/rendered"

export GOPATH="$CACHE/go" GOMODCACHE="$CACHE/go/pkg/mod" GOCACHE="$CACHE/go/cache" GOBIN="$CACHE/bin"
export GOFLAGS=-modcacherw GOTOOLCHAIN=local GOTELEMETRY=off CGO_ENABLED=0

step() { printf '== %s\n' "$*"; }
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

# --- install (idempotent: each part is skipped when its stamp names the pinned version) ---------------
if ! stamp_ok "$CACHE/bin/.kustomize" "$KUSTOMIZE_VERSION" || [ ! -x "$CACHE/bin/kustomize" ]; then
  step "install kustomize $KUSTOMIZE_VERSION (go install)"
  (cd "$HERE" && go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION")
  echo "$KUSTOMIZE_VERSION" > "$CACHE/bin/.kustomize"
fi

K8S_SPEC="$SCHEMAS/kubernetes-$KUBERNETES_VERSION"
if [ ! -f "$K8S_SPEC/api__v1_openapi.json" ]; then
  step "fetch Kubernetes $KUBERNETES_VERSION OpenAPI v3 documents (module k8s.io/kubernetes)"
  dir=$(cd "$HERE" && go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  rm -rf "$K8S_SPEC.tmp" && cp -r "$dir/api/openapi-spec/v3" "$K8S_SPEC.tmp" && mv "$K8S_SPEC.tmp" "$K8S_SPEC"
  rm -rf "$dir"   # the extracted module is large; its zip stays in the module cache
fi

ECK_CRDS="$SCHEMAS/eck-$ECK_VERSION.yaml"
if [ ! -f "$ECK_CRDS" ]; then
  step "fetch ECK $ECK_VERSION CRDs (module github.com/elastic/cloud-on-k8s/v3)"
  dir=$(cd "$HERE" && go mod download -json "github.com/elastic/cloud-on-k8s/v3@$ECK_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  cp "$dir/config/crds/v1/all-crds.yaml" "$ECK_CRDS.tmp" && mv "$ECK_CRDS.tmp" "$ECK_CRDS"
fi

STRIMZI_CRDS="$SCHEMAS/strimzi-$STRIMZI_VERSION"
if [ ! -f "$STRIMZI_CRDS/kafkatopic.yaml" ]; then
  step "generate Strimzi $STRIMZI_VERSION CRDs (io.strimzi:api + io.strimzi:crd-generator, Maven Central)"
  JAVA=""
  for j in "${JAVA_HOME:-}/bin/java" /usr/lib/jvm/temurin-2[1-9]*/bin/java /usr/lib/jvm/java-2[1-9]*/bin/java java; do
    if command -v "$j" >/dev/null 2>&1 \
       && [ "$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')" -ge 21 ] 2>/dev/null; then
      JAVA="$j"; break
    fi
  done
  [ -n "$JAVA" ] || { echo "check.sh: Strimzi's CRD generator needs Java >= 21 (none found)" >&2; exit 1; }
  mvn -B -q -Dstyle.color=never -f "$HERE/strimzi/pom.xml" -Dmaven.repo.local="$CACHE/m2" -Dstrimzi.version="$STRIMZI_VERSION" \
    dependency:build-classpath -Dmdep.outputFile="$CACHE/strimzi-classpath.txt"
  rm -rf "$STRIMZI_CRDS.tmp" && mkdir -p "$STRIMZI_CRDS.tmp"
  "$JAVA" -cp "$(cat "$CACHE/strimzi-classpath.txt")" io.strimzi.crdgenerator.CrdGenerator \
    --label app:strimzi --label strimzi.io/crd-install:true --target-kube 1.16+ \
    --crd-api-version v1 --api-versions v1 --storage-version v1 --yaml \
    "io.strimzi.api.kafka.model.kafka.Kafka=$STRIMZI_CRDS.tmp/kafka.yaml" \
    "io.strimzi.api.kafka.model.nodepool.KafkaNodePool=$STRIMZI_CRDS.tmp/kafkanodepool.yaml" \
    "io.strimzi.api.kafka.model.topic.KafkaTopic=$STRIMZI_CRDS.tmp/kafkatopic.yaml" \
    "io.strimzi.api.kafka.model.user.KafkaUser=$STRIMZI_CRDS.tmp/kafkauser.yaml" >/dev/null
  mv "$STRIMZI_CRDS.tmp" "$STRIMZI_CRDS"
fi

if [ ! -f "$CACHE/.go-deps" ] || ! cmp -s "$HERE/go.sum" "$CACHE/.go-deps"; then
  step "download the validator's Go modules"
  (cd "$HERE" && go mod download)
  cp "$HERE/go.sum" "$CACHE/.go-deps"
fi

# --- from here on: offline -------------------------------------------------------------------------
export GOPROXY=off GOFLAGS="-modcacherw -mod=readonly"
step "build k8s-validate"
(cd "$HERE" && go build -trimpath -o "$CACHE/bin/k8s-validate" .)

step "render overlays with kustomize $KUSTOMIZE_VERSION"
args=()
while IFS= read -r k; do
  dir=$(dirname "$k"); name=${dir#"$ROOT/deploy/k8s/overlays/"}; name=${name//\//-}
  case "$(sed -n 's/^kind: *//p' "$k" | head -1)" in Component) continue ;; esac
  "$CACHE/bin/kustomize" build "$dir" > "$CACHE/rendered/$name.yaml"
  echo "   $name: $(grep -c '^kind:' "$CACHE/rendered/$name.yaml") objects"
  args+=("$name=$CACHE/rendered/$name.yaml")
done < <(find "$ROOT/deploy/k8s/overlays" -name kustomization.yaml | sort)

crds=$(ls "$STRIMZI_CRDS"/*.yaml | tr '\n' ',')"$ECK_CRDS"
step "validate (Kubernetes $KUBERNETES_VERSION, Strimzi $STRIMZI_VERSION, ECK $ECK_VERSION)"
"$CACHE/bin/k8s-validate" -openapi "$K8S_SPEC" -crds "$crds" -unvalidated "$UNVALIDATED_GROUPS" "${args[@]}"
