#!/usr/bin/env bash
# Builds the test/dev control-plane binaries (etcd, kube-apiserver, kube-controller-manager) from their Go
# modules into a cache outside the repository, keyed by version. Prints the directory holding the binaries.
# A second run with the same versions finds them and builds nothing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
k8s_version=$(awk '$1=="require" && $2=="k8s.io/kubernetes" {print $3}' "$here/k8sbin/go.mod")
etcd_version=$(awk '$1=="require" && $2=="go.etcd.io/etcd/server/v3" {print $3}' "$here/etcdbin/go.mod")
cache=${KROUTE_CACHE_DIR:-$HOME/.cache/kroute}
out="$cache/bin/k8s-$k8s_version-etcd-$etcd_version"
mkdir -p "$out"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false

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
echo "$out"
