#!/usr/bin/env bash
# Installs the project's toolchain (Node.js 24 LTS and pnpm, both from the npm registry) into
# .tools/ when the machine lacks them, and prints the PATH to use. Nothing else is downloaded.
#   source <(bash scripts/toolchain.sh)    # or: export PATH="$PWD/.tools/node_modules/.bin:$PATH"
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_version="24.21.0"
pnpm_version="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$root/package.json")"
tools="$root/.tools"
bin="$tools/node_modules/.bin"

have() { [ -x "$bin/$1" ] && "$bin/$1" --version 2>/dev/null | grep -q "$2"; }

if ! have node "v$node_version" || ! have pnpm "$pnpm_version"; then
  mkdir -p "$tools"
  echo "installing node@$node_version and pnpm@$pnpm_version into .tools/" >&2
  (cd "$tools" && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    --prefix "$tools" "node@$node_version" "pnpm@$pnpm_version" >&2)
fi
echo "export PATH=\"$bin:\$PATH\""
