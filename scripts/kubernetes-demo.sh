#!/usr/bin/env bash
# The demo portal in Kubernetes mode, in one command: a real Kubernetes API
# server (../shared/tools/kube-test-cluster.sh: no kubelet, so nothing runs),
# seeded as upstream Kratix leaves it after reconciling the demo
# (scripts/kubernetes-demo/seed.ts), and the portal observing it.
#
#   scripts/kubernetes-demo.sh        start; Ctrl-C stops the portal, then the API server
#   scripts/kubernetes-demo.sh stop   stop an API server left behind (after a kill -9)
#
# The kubeconfig and the generated app config live in .kratix-kubernetes-demo/
# (git-ignored) while it runs. Env: KRATIX_SHARED_DIR (default: ../shared).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
demo=$root/.kratix-kubernetes-demo
KRATIX_SHARED_DIR="${KRATIX_SHARED_DIR:-$(cd .. && pwd)/shared}"
export KRATIX_SHARED_DIR
export KUBE_TEST_RUN_DIR=$demo/cluster
kube() { bash "$KRATIX_SHARED_DIR/tools/kube-test-cluster.sh" "$@"; }
stop() {
  kube stop
  rm -rf "$demo"
}

case "${1:-}" in
  stop) stop; exit ;;
  '') ;;
  *) echo "usage: $0 [stop]" >&2; exit 2 ;;
esac

# shellcheck source=bootstrap.sh
source scripts/bootstrap.sh
kube install
stop 2>/dev/null # what a killed run left
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The tool picks free ports, then binds them: under load another process may
# take one in between. Try again then.
for attempt in 1 2 3; do
  if cluster_env=$(kube start); then break; fi
  kube stop 2>/dev/null
  [ "$attempt" -lt 3 ] || exit 1
done
eval "$cluster_env" # KUBECONFIG, KUBE_TEST_API_URL, ...
yarn tsx scripts/kubernetes-demo/seed.ts "$KUBECONFIG"
config=$demo/app-config.kubernetes.yaml
cat >"$config" <<EOF
# Written by scripts/kubernetes-demo.sh: the portal observes the demo's API
# server, where the Promises and Resources of examples/kratix/ were seeded.
kratix:
  kubernetes:
    clusters:
      - name: demo
        kubeconfig: '$KUBECONFIG'
  seedFiles: []
EOF
echo "Kubernetes demo: kubectl --kubeconfig $KUBECONFIG get promises,iams,elastic-clouds,postgresqls -A"
yarn start --config "$root/app-config.yaml" --config "$config"
