#!/usr/bin/env bash
# Regenerates the man page docs/tcpwave.1 and the shell completions in docs/completions/ from
# tcpwave's own command definition (swift-argument-parser's generate-manual tool and
# --generate-completion-script), so they list exactly the options the command has. Run it after
# changing an option; Tests/CLITests/ManPageTests checks that nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build --product tcpwave >&2
swift build --product generate-manual >&2
bin="$(swift build --show-bin-path)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# The definition without ArgumentParser's implicit `help` subcommand, which tcpwave does not
# offer as a word of its own (generate-manual would print a `subcommand` in the synopsis).
cat > "$tmp/tcpwave" <<WRAPPER
#!/bin/sh
"$bin/tcpwave" --experimental-dump-help | python3 -c 'import json, sys; d = json.load(sys.stdin); d["command"].pop("subcommands", None); json.dump(d, sys.stdout)'
WRAPPER
chmod +x "$tmp/tcpwave"

# The date of the last change to the command's sources, so that regenerating an unchanged
# definition gives the same file.
date="$(git log -1 --format=%cs -- Sources/tcpwave 2>/dev/null || true)"
[ -n "$date" ] || date="$(date +%F)"
"$bin/generate-manual" "$tmp/tcpwave" --date "$date" --section 1 --output-directory "$tmp" >&2
# The generated page, then the hand-written sections that no option carries (examples, files,
# see also).
{ cat "$tmp/tcpwave.1"; [ -z "$(tail -c1 "$tmp/tcpwave.1")" ] || echo; cat Scripts/tcpwave.1.tail; } > docs/tcpwave.1

mkdir -p docs/completions
"$bin/tcpwave" --generate-completion-script bash > docs/completions/tcpwave.bash
"$bin/tcpwave" --generate-completion-script zsh > docs/completions/_tcpwave
"$bin/tcpwave" --generate-completion-script fish > docs/completions/tcpwave.fish
echo "wrote docs/tcpwave.1, docs/completions/tcpwave.bash, docs/completions/_tcpwave, docs/completions/tcpwave.fish" >&2
