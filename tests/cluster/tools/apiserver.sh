#!/usr/bin/env bash
# Starts (or stops) a throwaway Kubernetes control plane on loopback from the tools that install.sh built:
# etcd + kube-apiserver, and optionally kube-controller-manager + kube-scheduler and kwok (fake nodes).
#
#   apiserver.sh start STATE_DIR   make certs (once), start everything in the background, wait until
#                                  /readyz answers, write STATE_DIR/kubeconfig; prints KUBECONFIG=...
#   apiserver.sh stop STATE_DIR    stop what `start` started (pids in STATE_DIR/*.pid)
#
# Environment: ETCD_PORT (23790), ETCD_PEER_PORT (23791), APISERVER_PORT (16443),
#   CONTROLLERS=1 also starts kube-controller-manager and kube-scheduler (Deployments get Pods, Pods
#   get scheduled), KWOK=1 also starts kwok and creates fake node "kwok-node-0" (Pods become Running)
#   with KWOK_NODE_CPU (32) CPUs and KWOK_NODE_MEMORY (256Gi) allocatable,
#   QUIZMESH_TOOLS_CACHE as for install.sh. (--endpoint-reconciler-type=none: the default reconciler
#   refuses a loopback --advertise-address.) Everything listens on 127.0.0.1 only; logs in STATE_DIR/*.log.
set -euo pipefail

CACHE="${QUIZMESH_TOOLS_CACHE:-$HOME/.cache/quizmesh/cluster-tools}"
BIN="$CACHE/bin"
cmd="${1:-}" state="${2:-}"
[[ "$cmd" == start || "$cmd" == stop ]] && [[ -n "$state" ]] || {
  echo "usage: apiserver.sh start|stop STATE_DIR" >&2
  exit 2
}
mkdir -p "$state"
state="$(cd "$state" && pwd)"
ETCD_PORT="${ETCD_PORT:-23790}" ETCD_PEER_PORT="${ETCD_PEER_PORT:-23791}" APISERVER_PORT="${APISERVER_PORT:-16443}"

stop_all() {
  local p pid
  for p in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
    [[ -f "$state/$p.pid" ]] || continue
    pid="$(<"$state/$p.pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$state/$p.pid"
  done
}
if [[ "$cmd" == stop ]]; then
  stop_all
  exit 0
fi

for b in etcd kube-apiserver kubectl; do
  [[ -x "$BIN/$b" ]] || { echo "apiserver.sh: $BIN/$b is missing: run tests/cluster/tools/install.sh" >&2; exit 1; }
done

# ---- certificates: a CA, the API server's serving cert, an admin client cert, a service-account key pair
pki="$state/pki"
if [[ ! -f "$pki/admin.crt" ]]; then
  mkdir -p "$pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 -subj /CN=quizmesh-test-ca 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj /CN=kube-apiserver 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\nextendedKeyUsage=serverAuth\n' >apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 3650 -extfile apiserver.ext 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=quizmesh-admin" 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >admin.ext
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt -days 3650 -extfile admin.ext 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    rm -f ./*.csr ./*.ext
  )
fi

kc="$state/kubeconfig"
"$BIN/kubectl" config --kubeconfig="$kc" set-cluster quizmesh --server="https://127.0.0.1:$APISERVER_PORT" \
  --certificate-authority="$pki/ca.crt" --embed-certs=true >/dev/null
"$BIN/kubectl" config --kubeconfig="$kc" set-credentials admin --client-certificate="$pki/admin.crt" \
  --client-key="$pki/admin.key" --embed-certs=true >/dev/null
"$BIN/kubectl" config --kubeconfig="$kc" set-context quizmesh --cluster=quizmesh --user=admin >/dev/null
"$BIN/kubectl" config --kubeconfig="$kc" use-context quizmesh >/dev/null

start_bg() { # start_bg NAME ARGS...: run $BIN/NAME in the background, pid in $state/NAME.pid
  local name="$1"
  shift
  "$BIN/$name" "$@" >"$state/$name.log" 2>&1 &
  echo $! >"$state/$name.pid"
}
wait_for() { # wait_for WHAT SECONDS COMMAND...
  local what="$1" secs="$2" i
  shift 2
  for ((i = 0; i < secs * 5; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    if [[ -f "$state/${what%% *}.pid" ]] && ! kill -0 "$(<"$state/${what%% *}.pid")" 2>/dev/null; then
      echo "apiserver.sh: $what exited; last lines of its log:" >&2
      tail -n 30 "$state/${what%% *}.log" >&2 || true
      stop_all
      exit 1
    fi
    sleep 0.2
  done
  echo "apiserver.sh: $what did not become ready in ${secs}s; last lines of its log:" >&2
  tail -n 30 "$state/${what%% *}.log" >&2 || true
  stop_all
  exit 1
}
trap 'stop_all' ERR

start_bg etcd --name=quizmesh --data-dir="$state/etcd-data" \
  --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster="quizmesh=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync=true --log-level=warn
wait_for etcd 30 "$BIN/etcdctl" --endpoints="http://127.0.0.1:$ETCD_PORT" endpoint health

start_bg kube-apiserver --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
  --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
  --cert-dir="$state/apiserver-certs" --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
  --client-ca-file="$pki/ca.crt" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
  --service-cluster-ip-range=10.96.0.0/12 \
  --authorization-mode=Node,RBAC --allow-privileged=true --profiling=false \
  --endpoint-reconciler-type=none
wait_for kube-apiserver 90 "$BIN/kubectl" --kubeconfig="$kc" get --raw=/readyz

if [[ "${CONTROLLERS:-0}" == 1 ]]; then
  start_bg kube-controller-manager --kubeconfig="$kc" --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" \
    --bind-address=127.0.0.1 --secure-port=0 --leader-elect=false \
    --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
    --cluster-signing-cert-file="$pki/ca.crt" --cluster-signing-key-file="$pki/ca.key"
  start_bg kube-scheduler --kubeconfig="$kc" --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" \
    --bind-address=127.0.0.1 --secure-port=0 --leader-elect=false
  # the controller-manager's service-account controller makes the "default" ServiceAccount per namespace
  wait_for kube-controller-manager 60 "$BIN/kubectl" --kubeconfig="$kc" -n default get serviceaccount default
fi

if [[ "${KWOK:-0}" == 1 ]]; then
  [[ -x "$BIN/kwok" ]] || { echo "apiserver.sh: $BIN/kwok is missing: run install.sh" >&2; stop_all; exit 1; }
  start_bg kwok --kubeconfig="$kc" --config="$CACHE/share/kwok-stages-fast.yaml" --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-ip=10.244.0.1 --cidr=10.244.0.0/16 --node-port=0 --server-address=127.0.0.1:0
  cpu="${KWOK_NODE_CPU:-32}" memory="${KWOK_NODE_MEMORY:-256Gi}"
  "$BIN/kubectl" --kubeconfig="$kc" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-0
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels: {type: kwok, kubernetes.io/hostname: kwok-node-0, kubernetes.io/os: linux, kubernetes.io/arch: amd64}
status:
  allocatable: {cpu: "$cpu", memory: $memory, pods: "110"}
  capacity: {cpu: "$cpu", memory: $memory, pods: "110"}
EOF
  wait_for kwok 60 bash -c "'$BIN/kubectl' --kubeconfig='$kc' get node kwok-node-0 -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True"
fi
trap - ERR
echo "KUBECONFIG=$kc"
