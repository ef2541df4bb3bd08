#!/usr/bin/env bash
# Builds istioctl (used offline, for `istioctl validate`) from the istio.io/istio Go module pinned in
# tools/istioctlbin/go.mod into the same cache as the control-plane binaries. Prints the binary's path.
# A second run with the same version finds the binary and builds nothing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
mod="$here/istioctlbin"
istio_version=$(cd "$mod" && GOTOOLCHAIN=local go list -m -f '{{.Version}}' istio.io/istio)
cache=${KROUTE_CACHE_DIR:-$HOME/.cache/kroute}
out="$cache/bin/istioctl-$istio_version"
mkdir -p "$out"
[ -x "$out/istioctl" ] && { echo "$out/istioctl"; exit 0; }

# Two concurrent runs would write the same file; the second waits and then finds the binary.
exec 9>"$out/.lock"
flock 9
[ -x "$out/istioctl" ] && { echo "$out/istioctl"; exit 0; }

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
commit=${istio_version##*-}
vflags="-X istio.io/istio/pkg/version.buildVersion=$istio_version"
vflags+=" -X istio.io/istio/pkg/version.buildGitRevision=$commit -X istio.io/istio/pkg/version.buildStatus=Clean"

echo "building istioctl from istio.io/istio@$istio_version ..." >&2
start=$SECONDS
(cd "$mod" && go build -trimpath -o "$out/istioctl.tmp" -ldflags "-s -w $vflags" istio.io/istio/istioctl/cmd/istioctl)
mv "$out/istioctl.tmp" "$out/istioctl"
echo "built istioctl in $((SECONDS - start)) s" >&2
echo "$out/istioctl"
