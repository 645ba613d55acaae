#!/usr/bin/env bash
# Builds tcpwave in release mode and installs the binary, the man page and the bash, zsh and fish
# completions under PREFIX (default /usr/local), below DESTDIR when packaging:
#   Scripts/install.sh                      # as root: /usr/local/bin/tcpwave, man tcpwave, completions
#   PREFIX=$HOME/.local Scripts/install.sh  # for one user
# TCPWAVE_BINARY=path installs that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="${PREFIX:-/usr/local}"
root="${DESTDIR:-}$prefix"
if [ -n "${TCPWAVE_BINARY:-}" ]; then
    binary="$TCPWAVE_BINARY"
else
    swift build -c release --product tcpwave
    binary="$(swift build -c release --show-bin-path)/tcpwave"
fi

put() { # mode source destination
    mkdir -p "$(dirname "$3")"
    install -m "$1" "$2" "$3"
    echo "installed $3"
}
put 755 "$binary" "$root/bin/tcpwave"
put 644 docs/tcpwave.1 "$root/share/man/man1/tcpwave.1"
put 644 docs/completions/tcpwave.bash "$root/share/bash-completion/completions/tcpwave"
put 644 docs/completions/_tcpwave "$root/share/zsh/site-functions/_tcpwave"
put 644 docs/completions/tcpwave.fish "$root/share/fish/vendor_completions.d/tcpwave.fish"
