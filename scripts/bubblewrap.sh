#!/usr/bin/env bash
# Source this file: makes sure bubblewrap (`bwrap`), the pipeline sandbox of
# the process runner, is installed; installs Debian's `bubblewrap` package
# when it is missing and this runs as root.
if ! command -v bwrap >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing bubblewrap (the pipeline sandbox)" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null; } ||
      { echo "could not install bubblewrap" >&2; return 1 2>/dev/null || exit 1; }
  else
    echo "Pipelines run in a bubblewrap sandbox: install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap)" >&2
    return 1 2>/dev/null || exit 1
  fi
fi
