#!/usr/bin/env bash
# Builds the test/dev control-plane binaries (etcd, kube-apiserver, kube-controller-manager) from their Go
# modules into a cache outside the repository, keyed by version. Prints the directory holding the binaries.
# A second run with the same versions finds them and builds nothing.
# --with-kubectl also builds kubectl (same version as the API server) for machines that lack one.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
# The versions come from the go.mod files (their `tool` lines name the packages built below).
k8s_version=$(cd "$here/k8sbin" && go list -m -f '{{.Version}}' k8s.io/kubernetes)
etcd_version=$(cd "$here/etcdbin" && go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)
cache=${KROUTE_CACHE_DIR:-$HOME/.cache/kroute}
out="$cache/bin/k8s-$k8s_version-etcd-$etcd_version"
mkdir -p "$out"
# Two concurrent runs (a test run and a manual build) would write the same files; the second one waits.
exec 9>"$out/.lock"
flock 9

build() { # name, module dir, package, extra ldflags
  local name=$1 dir=$2 pkg=$3 ldflags=$4
  [ -x "$out/$name" ] && return 0
  echo "building $name from $pkg ..." >&2
  local start=$SECONDS
  (cd "$dir" && go build -trimpath -o "$out/$name.tmp" -ldflags "-s -w $ldflags" "$pkg")
  mv "$out/$name.tmp" "$out/$name"
  echo "built $name in $((SECONDS - start)) s" >&2
}

# Without these the binaries report gitVersion "v0.0.0-master+$Format:%H$", which clients that parse
# the server version as semver (kn, Knative's minimum-version check) reject.
minor=$(echo "$k8s_version" | cut -d. -f2)
vflags="-X k8s.io/component-base/version.gitVersion=$k8s_version -X k8s.io/component-base/version.gitMajor=1"
vflags+=" -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
vflags+=" -X k8s.io/component-base/version.gitCommit=0000000000000000000000000000000000000000"
vflags+=" -X k8s.io/component-base/version.buildDate=1970-01-01T00:00:00Z"

build etcd "$here/etcdbin" go.etcd.io/etcd/server/v3 ""
build kube-apiserver "$here/k8sbin" k8s.io/kubernetes/cmd/kube-apiserver "$vflags"
build kube-controller-manager "$here/k8sbin" k8s.io/kubernetes/cmd/kube-controller-manager "$vflags"
if [ "${1:-}" = "--with-kubectl" ]; then
  build kubectl "$here/k8sbin" k8s.io/kubernetes/cmd/kubectl "$vflags"
fi
echo "$out"
