#!/usr/bin/env bash
# Fetches or builds the cluster tier's real programs, at the versions pinned in versions.env, into a
# cache outside the repo:
#
#   ${QUIZMESH_TOOLS_CACHE:-$HOME/.cache/quizmesh/cluster-tools}/
#     <name>-<version>/bin/...       one folder per tool and version (built into <dir>.partial, then moved)
#     bin/<program>                  symlinks to every installed program (put this on PATH)
#     share/                         zipkin-server.jar, istio-crd-all.gen.yaml, kwok-stages-fast.yaml (symlinks)
#     env.sh                         `source` it: PATH plus QUIZMESH_* variables for the test harness
#     go/                            GOPATH, GOMODCACHE and GOCACHE of the builds; m2/: Maven's local repo
#     src/<name>-<version>/          the small go.mod of our own each Go tool is built through
#     logs/<name>-<version>.log      full output of the last build of that tool
#
# Only Go modules (Go module proxy) and Maven artifacts (Maven Central) are used; nothing prebuilt is
# downloaded. A tool whose folder carries a stamp matching the pinned versions and recipe is not touched,
# so a re-run with everything built takes about a second and changes nothing.
#
# Usage: install.sh [--only=a,b] [--check] [--list]
#   --only=LIST / ONLY=LIST  build a subset: prometheus zipkin kubernetes etcd istio skaffold kwok
#                            (aliases: kubectl, kube-apiserver -> kubernetes; istioctl -> istio)
#   --check                  build nothing: report what is missing, exit 1 if anything is
#   --list                   print the tools, versions and folders, then exit
# Exit status: 0 when every selected tool is installed; 1 when any could not be had (each one is named,
# with the step that failed, the command and its error output); 2 on a usage error.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$HERE/versions.env"

CACHE="${QUIZMESH_TOOLS_CACHE:-$HOME/.cache/quizmesh/cluster-tools}"
ALL_TOOLS=(zipkin prometheus kubernetes etcd istio skaffold kwok)
ONLY="${ONLY:-}"
MODE=install

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
while (($#)); do
  case "$1" in
    --only=*) ONLY="${1#*=}" ;;
    --only) ONLY="${2:?--only needs a list}"; shift ;;
    --check) MODE=check ;;
    --list) MODE=list ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

SELECTED=()
if [[ -z "$ONLY" || "$ONLY" == all ]]; then
  SELECTED=("${ALL_TOOLS[@]}")
else
  IFS=', ' read -r -a wanted <<<"$ONLY"
  for w in "${wanted[@]}"; do
    [[ -n "$w" ]] || continue
    case "$w" in
      kubectl | kube-apiserver | kube-scheduler | kube-controller-manager | k8s) w=kubernetes ;;
      istioctl) w=istio ;;
      promtool) w=prometheus ;;
      etcdctl) w=etcd ;;
    esac
    case " ${ALL_TOOLS[*]} " in
      *" $w "*) case " ${SELECTED[*]-} " in *" $w "*) ;; *) SELECTED+=("$w") ;; esac ;;
      *) echo "install.sh: unknown tool '$w' in ONLY/--only; known: ${ALL_TOOLS[*]}" >&2; exit 2 ;;
    esac
  done
fi

# ---- Go and Maven settings: everything lives in the cache ------------------------------------------
export GOPATH="$CACHE/go"
export GOMODCACHE="$CACHE/go/pkg/mod"
export GOCACHE="$CACHE/go/build-cache"
export GOFLAGS="-modcacherw -buildvcs=false"
export GOTOOLCHAIN="$GO_TOOLCHAIN"
export GOWORK=off GO111MODULE=on CGO_ENABLED=0
unset GOBIN GOOS GOARCH
GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
MVN="${MVN:-mvn}"
JAVA="${JAVA:-java}"

# ---- the tools: what each one installs, and the key its stamp must match ----------------------------
# tool_dir NAME -> folder; tool_files NAME -> files (relative to folder) that must exist;
# tool_key NAME -> everything that, when changed, must cause a rebuild (bump the recipe number
# when changing how a tool is built).
tool_version() {
  case "$1" in
    prometheus) echo "$PROMETHEUS_VERSION" ;;
    zipkin) echo "$ZIPKIN_VERSION" ;;
    kubernetes) echo "${KUBERNETES_VERSION#v}" ;;
    etcd) echo "${ETCD_VERSION#v}" ;;
    istio) echo "$ISTIO_VERSION-${ISTIO_MODULE_VERSION##*-}" ;;
    skaffold) echo "${SKAFFOLD_VERSION#v}" ;;
    kwok) echo "${KWOK_VERSION#v}" ;;
  esac
}
tool_dir() { echo "$CACHE/$1-$(tool_version "$1")"; }
tool_files() {
  case "$1" in
    prometheus) echo bin/prometheus bin/promtool ;;
    zipkin) echo "zipkin-server-$ZIPKIN_VERSION-exec.jar" bin/zipkin ;;
    kubernetes) echo bin/kube-apiserver bin/kubectl bin/kube-scheduler bin/kube-controller-manager ;;
    etcd) echo bin/etcd bin/etcdctl ;;
    istio) echo bin/istioctl crds/crd-all.gen.yaml ;;
    skaffold) echo bin/skaffold ;;
    kwok) echo bin/kwok stages/fast.yaml ;;
  esac
}
tool_key() {
  local common="toolchain=$GO_TOOLCHAIN cgo=0 trimpath"
  case "$1" in
    prometheus) echo "recipe=2 prometheus $PROMETHEUS_VERSION $PROMETHEUS_MODULE_VERSION tags=netgo $common" ;;
    zipkin) echo "recipe=2 zipkin-server $ZIPKIN_VERSION exec.jar" ;;
    kubernetes) echo "recipe=2 kubernetes $KUBERNETES_VERSION staging=$KUBERNETES_STAGING_VERSION $common" ;;
    etcd) echo "recipe=2 etcd $ETCD_VERSION $common" ;;
    istio) echo "recipe=2 istio $ISTIO_MODULE_VERSION as $ISTIO_VERSION $common" ;;
    skaffold) echo "recipe=2 skaffold $SKAFFOLD_VERSION $SKAFFOLD_COMMIT $common" ;;
    kwok) echo "recipe=3 kwok $KWOK_VERSION $common" ;;
  esac
}
STAMP=.quizmesh-tool-stamp
is_current() {
  local dir f
  dir="$(tool_dir "$1")"
  [[ -f "$dir/$STAMP" && "$(<"$dir/$STAMP")" == "$(tool_key "$1")" ]] || return 1
  for f in $(tool_files "$1"); do [[ -s "$dir/$f" ]] || return 1; done
}

if [[ "$MODE" == list ]]; then
  for t in "${ALL_TOOLS[@]}"; do
    state=missing; is_current "$t" && state=installed
    printf '%-11s %-22s %-9s %s\n' "$t" "$(tool_version "$t")" "$state" "$(tool_dir "$t")"
  done
  exit 0
fi

# ---- running build steps: log everything, and on failure say exactly what is missing and why -------
T_NAME= T_VER= T_LOG= T_WHAT=
step() { # step DESCRIPTION COMMAND... : runs COMMAND with its output in the tool's log
  local desc="$1" rc=0
  shift
  printf '[%s] %s %s: %s\n' "$(date +%T)" "$T_NAME" "$T_VER" "$desc"
  printf '\n### %s\n+ %s\n' "$desc" "$*" >>"$T_LOG"
  "$@" >>"$T_LOG" 2>&1 </dev/null || rc=$?
  if ((rc != 0)); then
    {
      echo "install.sh: MISSING $T_NAME $T_VER ($T_WHAT): step '$desc' failed with exit code $rc"
      echo "install.sh:   command: $*"
      echo "install.sh:   error (last 40 lines of $T_LOG):"
      tail -n 40 "$T_LOG" | sed 's/^/    | /'
    } >&2
    exit "$rc"
  fi
}
missing_prereq() { # missing_prereq WHAT: a program the build needs is not on this machine
  echo "install.sh: MISSING $T_NAME $T_VER ($T_WHAT): $1" >&2
  exit 127
}

# A small go.mod of our own that requires the upstream module(s) and repeats their replace directives,
# with each replace to a local path (k8s.io/* staging folders, etcd's ../api ...) pointing at that
# module's published twin version instead; then `go mod tidy` pins the rest. This is what makes
# `go build <module>/cmd/...` work where `go install <pkg>@<version>` is refused.
#   gen_wrapper SRC_DIR TWIN_VERSION "MOD@VER [MOD@VER...]" PKG...
gen_wrapper() {
  local src="$1" twin="$2" mods="$3" mv mod ver gomod gover="" g old oldv new newv
  shift 3
  rm -rf "$src"
  mkdir -p "$src"
  printf 'module quizmesh.local/cluster-tools/%s\n' "$(basename "$src")" >"$src/go.mod"
  for mv in $mods; do
    mod="${mv%@*}" ver="${mv#*@}"
    gomod="$(cd "$src" && "$GO" mod download -json "$mod@$ver" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
    [[ -f "$gomod" ]] || { echo "go mod download gave no go.mod for $mod@$ver"; return 1; }
    g="$(awk '$1 == "go" { print $2; exit }' "$gomod")"
    [[ -z "$gover" ]] || [[ "$(printf '%s\n%s\n' "$gover" "$g" | sort -V | tail -n1)" == "$g" ]] && gover="$g"
    "$GO" -C "$src" mod edit -require="$mod@$ver"
    while read -r old oldv new newv; do
      [[ "$oldv" == - ]] && oldv="" || oldv="@$oldv"
      if [[ "$new" == .* || "$new" == /* ]]; then
        new="$old" newv="$twin"
      fi
      [[ "$newv" == - ]] && newv="" || newv="@$newv"
      "$GO" -C "$src" mod edit -replace="$old$oldv=$new$newv"
    done < <(awk '
      /^replace \($/ { b = 1; next }
      b && /^\)$/ { b = 0; next }
      b || /^replace / {
        sub(/\/\/.*/, ""); sub(/^replace[ \t]+/, ""); $0 = $0
        if ($2 == "=>") print $1, "-", $3, ($4 == "" ? "-" : $4)
        else if ($3 == "=>") print $1, $2, $4, ($5 == "" ? "-" : $5)
      }' "$gomod")
    while read -r g; do
      "$GO" -C "$src" mod edit -godebug="$g"
    done < <(awk '$1 == "godebug" && $2 != "(" { print $2 }' "$gomod")
  done
  "$GO" -C "$src" mod edit -go="$gover"
  {
    printf '//go:build tools\n\n// Package tools only pins the programs built from this module.\npackage tools\n\nimport (\n'
    printf '\t_ "%s"\n' "$@"
    printf ')\n'
  } >"$src/tools.go"
  echo "wrote $src/go.mod:"
  cat "$src/go.mod"
}

# go_build SRC_DIR OUT_DIR LDFLAGS TAGS PKG...
go_build() {
  local src="$1" out="$2" ldflags="$3" tags="$4"
  shift 4
  mkdir -p "$out"
  (cd "$src" && nice -n 10 "$GO" build -trimpath -tags "$tags" -ldflags "$ldflags" -o "$out/" "$@")
}
# go_get SRC_DIR VERSION PKG...: complete go.mod/go.sum with exactly what building PKG... here needs (unlike
# `go mod tidy`, which also resolves other OSes' imports and so pulls "latest" versions of modules
# upstream never pinned).
# Each PKG is asked for at the pinned VERSION: a bare `go get PKG` means PKG@upgrade (the newest release).
go_get() {
  local src="$1" ver="$2" p args=()
  shift 2
  for p in "$@"; do args+=("$p@$ver"); done
  (cd "$src" && "$GO" get "${args[@]}")
}
# check_pinned SRC_DIR MOD VERSION: the build list really has MOD at VERSION
check_pinned() {
  local got
  got="$(cd "$1" && "$GO" list -m -f '{{.Version}}' "$2")"
  [[ "$got" == "$3" ]] || { echo "$2 resolved to $got, not the pinned $3"; return 1; }
  echo "$2 $got"
}
# module_time MOD@VER FORMAT: the module version's commit time (a reproducible build date)
module_time() {
  local t
  t="$("$GO" list -m -json "$1" | sed -n 's/^[[:space:]]*"Time": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -n "$t" ]] || { echo "no Time for $1" >&2; return 1; }
  date -u -d "$t" +"$2"
}
check_go() {
  [[ -x "$GO" ]] || missing_prereq "the go command was not found (looked for 'go' on PATH and /usr/local/go/bin/go; set GO=)"
}
write_stamp() { tool_key "$T_NAME" >"$1/$STAMP"; }

build_prometheus() {
  check_go
  local src="$CACHE/src/$T_NAME-$T_VER" part="$1" mod="github.com/prometheus/prometheus" date ldflags
  step "generate wrapper module" gen_wrapper "$src" - "$mod@$PROMETHEUS_MODULE_VERSION" \
    "$mod/cmd/prometheus" "$mod/cmd/promtool"
  step "go get" go_get "$src" "$PROMETHEUS_MODULE_VERSION" "$mod/cmd/prometheus" "$mod/cmd/promtool"
  step "check pinned version" check_pinned "$src" "$mod" "$PROMETHEUS_MODULE_VERSION"
  date="$(module_time "$mod@$PROMETHEUS_MODULE_VERSION" '%Y%m%d-%H:%M:%S')"
  ldflags="-s -w -X github.com/prometheus/common/version.Version=$PROMETHEUS_VERSION"
  ldflags+=" -X github.com/prometheus/common/version.Branch=HEAD"
  ldflags+=" -X github.com/prometheus/common/version.BuildUser=quizmesh@install.sh"
  ldflags+=" -X github.com/prometheus/common/version.BuildDate=$date"
  # Tag netgo as upstream does; NOT builtinassets: the UI assets are not in the module, the API works.
  step "go build prometheus, promtool" go_build "$src" "$part/bin" "$ldflags" netgo \
    "$mod/cmd/prometheus" "$mod/cmd/promtool"
}

build_zipkin() {
  local part="$1" work="$CACHE/tmp/zipkin"
  command -v "$MVN" >/dev/null || missing_prereq "Maven ('$MVN') is not on PATH (needed to fetch io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec)"
  command -v "$JAVA" >/dev/null || missing_prereq "java ('$JAVA') is not on PATH (Zipkin server needs Java 17+)"
  rm -rf "$work"
  mkdir -p "$work" "$part/bin"
  # Run where there is no pom.xml; keep Maven's repository in the cache too.
  step "mvn dependency:copy io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" \
    bash -c 'cd "$1" && "$2" -B -q -Dmaven.repo.local="$3" dependency:copy \
      -Dartifact="io.zipkin:zipkin-server:$4:jar:exec" -DoutputDirectory="$5"' _ \
    "$work" "$MVN" "$CACHE/m2" "$ZIPKIN_VERSION" "$part"
  cat >"$part/bin/zipkin" <<EOF
#!/bin/sh
# Zipkin server $ZIPKIN_VERSION (installed by tests/cluster/tools/install.sh). Loopback only, port 9411:
#   zipkin '--armeria.ports[0].ip=127.0.0.1' '--armeria.ports[0].port=9411' '--armeria.ports[0].protocols[0]=http'
# (--server.port alone listens on all addresses; --server.address is ignored by its Armeria server)
here="\$(dirname "\$(readlink -f "\$0")")"
exec "\${JAVA:-java}" \${JAVA_OPTS:-} -jar "\$here/../zipkin-server-$ZIPKIN_VERSION-exec.jar" "\$@"
EOF
  chmod +x "$part/bin/zipkin"
  rm -rf "$work"
}

build_kubernetes() {
  check_go
  local src="$CACHE/src/$T_NAME-$T_VER" part="$1" v="$KUBERNETES_VERSION" date ldflags major minor p k
  local pkgs=(k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kube-controller-manager)
  step "generate wrapper module" gen_wrapper "$src" "$KUBERNETES_STAGING_VERSION" "k8s.io/kubernetes@$v" "${pkgs[@]}"
  step "go get" go_get "$src" "$v" "${pkgs[@]}"
  step "check pinned version" check_pinned "$src" k8s.io/kubernetes "$v"
  step "check pinned staging version" check_pinned "$src" k8s.io/apiserver "$KUBERNETES_STAGING_VERSION"
  date="$(module_time "k8s.io/kubernetes@$v" '%Y-%m-%dT%H:%M:%SZ')"
  major="${v#v}" major="${major%%.*}"
  minor="${v#v*.}" minor="${minor%%.*}"
  ldflags="-s -w"
  # What kubernetes' hack/lib/version.sh stamps, so `--version` / `kubectl version` report $v.
  for p in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    for k in "gitVersion=$v" "gitMajor=$major" "gitMinor=$minor" "gitTreeState=clean" "buildDate=$date"; do
      ldflags+=" -X $p.$k"
    done
  done
  step "go build kube-apiserver, kubectl, kube-scheduler, kube-controller-manager" \
    go_build "$src" "$part/bin" "$ldflags" "" "${pkgs[@]}"
}

build_etcd() {
  check_go
  local src="$CACHE/src/$T_NAME-$T_VER" part="$1" v="$ETCD_VERSION"
  # go.etcd.io/etcd/server/v3 is etcd's own main (a wrapper of etcdmain); etcdctl is its own module.
  step "generate wrapper module" gen_wrapper "$src" "$v" \
    "go.etcd.io/etcd/server/v3@$v go.etcd.io/etcd/etcdctl/v3@$v" go.etcd.io/etcd/server/v3 go.etcd.io/etcd/etcdctl/v3
  step "go get" go_get "$src" "$v" go.etcd.io/etcd/server/v3 go.etcd.io/etcd/etcdctl/v3
  step "check pinned version" check_pinned "$src" go.etcd.io/etcd/server/v3 "$v"
  step "check pinned version" check_pinned "$src" go.etcd.io/etcd/etcdctl/v3 "$v"
  step "go build etcd, etcdctl" go_build "$src" "$part/bin.tmp" "-s -w" "" \
    go.etcd.io/etcd/server/v3 go.etcd.io/etcd/etcdctl/v3
  mkdir -p "$part/bin"
  mv "$part/bin.tmp/v3" "$part/bin/etcd" 2>/dev/null || mv "$part/bin.tmp/server" "$part/bin/etcd"
  mv "$part/bin.tmp/etcdctl" "$part/bin/etcdctl"
  rm -rf "$part/bin.tmp"
}

build_istio() {
  check_go
  local src="$CACHE/src/$T_NAME-$T_VER" part="$1" mv="istio.io/istio@$ISTIO_MODULE_VERSION" rev ldflags
  rev="${ISTIO_MODULE_VERSION##*-}"
  step "generate wrapper module" gen_wrapper "$src" - "$mv" istio.io/istio/istioctl/cmd/istioctl
  step "go get" go_get "$src" "$ISTIO_MODULE_VERSION" istio.io/istio/istioctl/cmd/istioctl
  step "check pinned version" check_pinned "$src" istio.io/istio "$ISTIO_MODULE_VERSION"
  ldflags="-s -w -X istio.io/istio/pkg/version.buildVersion=$ISTIO_VERSION"
  ldflags+=" -X istio.io/istio/pkg/version.buildGitRevision=$rev"
  ldflags+=" -X istio.io/istio/pkg/version.buildStatus=Clean"
  ldflags+=" -X istio.io/istio/pkg/version.buildTag=$ISTIO_VERSION"
  ldflags+=" -X istio.io/istio/pkg/version.buildHub=docker.io/istio"
  step "go build istioctl" go_build "$src" "$part/bin" "$ldflags" "" istio.io/istio/istioctl/cmd/istioctl
  mkdir -p "$part/crds"
  step "copy the release's CRDs" cp "$GOMODCACHE/$mv/manifests/charts/base/files/crd-all.gen.yaml" "$part/crds/"
  chmod u+w "$part/crds/crd-all.gen.yaml"
}

build_skaffold() {
  check_go
  local src="$CACHE/src/$T_NAME-$T_VER" part="$1" mod=github.com/GoogleContainerTools/skaffold/v2 date ldflags
  step "generate wrapper module" gen_wrapper "$src" - "$mod@$SKAFFOLD_VERSION" "$mod/cmd/skaffold"
  step "go get" go_get "$src" "$SKAFFOLD_VERSION" "$mod/cmd/skaffold"
  step "check pinned version" check_pinned "$src" "$mod" "$SKAFFOLD_VERSION"
  date="$(module_time "$mod@$SKAFFOLD_VERSION" '%Y-%m-%dT%H:%M:%SZ')"
  ldflags="-s -w -X $mod/pkg/skaffold/version.version=$SKAFFOLD_VERSION"
  ldflags+=" -X $mod/pkg/skaffold/version.gitCommit=$SKAFFOLD_COMMIT"
  ldflags+=" -X $mod/pkg/skaffold/version.buildDate=$date"
  step "go build skaffold" go_build "$src" "$part/bin" "$ldflags" "" "$mod/cmd/skaffold"
}

build_kwok() {
  check_go
  local src="$CACHE/src/$T_NAME-$T_VER" part="$1"
  step "generate wrapper module" gen_wrapper "$src" - "sigs.k8s.io/kwok@$KWOK_VERSION" sigs.k8s.io/kwok/cmd/kwok
  step "go get" go_get "$src" "$KWOK_VERSION" sigs.k8s.io/kwok/cmd/kwok
  step "check pinned version" check_pinned "$src" sigs.k8s.io/kwok "$KWOK_VERSION"
  step "go build kwok" go_build "$src" "$part/bin" "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION" "" \
    sigs.k8s.io/kwok/cmd/kwok
  # kwok does nothing without stages: keep the release's "fast" node and pod stages (kwok --config=FILE)
  mkdir -p "$part/stages"
  step "collect kwok's fast stages" bash -c 'for f in "$1"/node/fast/*.yaml "$1"/pod/fast/*.yaml; do
      [[ "${f##*/}" == kustomization.yaml ]] && continue; echo "---"; cat "$f"; done >"$2"' _ \
    "$GOMODCACHE/sigs.k8s.io/kwok@$KWOK_VERSION/kustomize/stage" "$part/stages/fast.yaml"
}

# ---- main --------------------------------------------------------------------------------------
FAILED=()
if [[ "$MODE" == check ]]; then
  for t in "${SELECTED[@]}"; do
    is_current "$t" || { echo "install.sh: MISSING $t $(tool_version "$t"): $(tool_dir "$t") is not built (run install.sh)" >&2; FAILED+=("$t"); }
  done
  ((${#FAILED[@]} == 0)) || exit 1
  echo "install.sh: all of ${SELECTED[*]} installed under $CACHE"
  exit 0
fi

mkdir -p "$CACHE"
exec 9>>"$CACHE/.install.lock"
flock 9

START=$SECONDS
for t in "${SELECTED[@]}"; do
  if is_current "$t"; then echo "install.sh: $t $(tool_version "$t") is up to date"; continue; fi
  T_NAME="$t" T_VER="$(tool_version "$t")" T_WHAT="$(tool_files "$t")"
  dir="$(tool_dir "$t")"
  mkdir -p "$CACHE/logs"
  T_LOG="$CACHE/logs/$t-$T_VER.log"
  : >"$T_LOG"
  t0=$SECONDS
  echo "[$(date +%T)] $t $T_VER: building into $dir"
  rm -rf "$dir.partial"
  mkdir -p "$dir.partial"
  set +e
  (
    set -e
    "build_$t" "$dir.partial"
    for f in $(tool_files "$t"); do
      [[ -s "$dir.partial/$f" ]] || { echo "install.sh: MISSING $t $T_VER: the build finished but made no $f" >&2; exit 1; }
    done
  )
  rc=$?
  set -e
  if ((rc != 0)); then
    FAILED+=("$t")
    rm -rf "$dir.partial"
    continue
  fi
  tool_key "$t" >"$dir.partial/$STAMP"
  rm -rf "$dir"
  mv "$dir.partial" "$dir"
  echo "[$(date +%T)] $t $T_VER: done in $((SECONDS - t0))s -> $dir"
done

# ---- symlinks and env.sh for every installed tool (selected or not) ----------------------------
mkdir -p "$CACHE/bin" "$CACHE/share"
link() { # link TARGET LINK: create or fix a symlink, touching nothing when it is already right
  [[ -L "$2" && "$(readlink "$2")" == "$1" ]] || ln -sfn "$1" "$2"
}
declare -A WANT=()
ENV_LINES=()
for t in "${ALL_TOOLS[@]}"; do
  is_current "$t" || continue
  dir="$(tool_dir "$t")"
  for b in "$dir"/bin/*; do
    link "$b" "$CACHE/bin/${b##*/}"
    WANT["bin/${b##*/}"]=1
  done
  v="$(tool_version "$t")"
  ENV_LINES+=("export QUIZMESH_$(tr a-z A-Z <<<"$t")_VERSION='$v'")
  case "$t" in
    zipkin)
      link "$dir/zipkin-server-$ZIPKIN_VERSION-exec.jar" "$CACHE/share/zipkin-server.jar"
      WANT[share/zipkin-server.jar]=1
      ENV_LINES+=("export QUIZMESH_ZIPKIN_JAR='$CACHE/share/zipkin-server.jar'") ;;
    istio)
      link "$dir/crds/crd-all.gen.yaml" "$CACHE/share/istio-crd-all.gen.yaml"
      WANT[share/istio-crd-all.gen.yaml]=1
      ENV_LINES+=("export QUIZMESH_ISTIO_CRDS='$CACHE/share/istio-crd-all.gen.yaml'") ;;
    kwok)
      link "$dir/stages/fast.yaml" "$CACHE/share/kwok-stages-fast.yaml"
      WANT[share/kwok-stages-fast.yaml]=1
      ENV_LINES+=("export QUIZMESH_KWOK_STAGES='$CACHE/share/kwok-stages-fast.yaml'") ;;
  esac
done
for l in "$CACHE"/bin/* "$CACHE"/share/*; do # drop links to tools that are no longer pinned
  [[ -L "$l" ]] || continue
  rel="${l#"$CACHE"/}"
  [[ -n "${WANT[$rel]-}" ]] || rm -f "$l"
done
{
  echo "# Generated by tests/cluster/tools/install.sh: source it to find the cluster tools by name."
  echo "export QUIZMESH_TOOLS_CACHE='$CACHE'"
  echo "case \":\$PATH:\" in *':$CACHE/bin:'*) ;; *) export PATH='$CACHE/bin':\"\$PATH\" ;; esac"
  printf '%s\n' "${ENV_LINES[@]}"
} >"$CACHE/env.sh.new"
if cmp -s "$CACHE/env.sh.new" "$CACHE/env.sh"; then rm -f "$CACHE/env.sh.new"; else mv "$CACHE/env.sh.new" "$CACHE/env.sh"; fi

if ((${#FAILED[@]})); then
  echo "install.sh: could not install: ${FAILED[*]} (errors above; full logs in $CACHE/logs/)" >&2
  exit 1
fi
echo "install.sh: ${SELECTED[*]} installed under $CACHE ($((SECONDS - START))s); source $CACHE/env.sh or use $CACHE/bin/"
