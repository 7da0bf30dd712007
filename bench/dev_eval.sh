#!/usr/bin/env bash
# Score dvk on the development set (../shared seeds + dev) and on the sample corpus,
# exactly as a user would: dvk run, dvk export, dvk eval.  Usage: bench/dev_eval.sh [TOKENIZER] [--errors]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tok=${1:-underthesea}; shift || true
out=$(mktemp -d)
shared=../shared
if [ -d "$shared/seeds" ]; then
  .venv/bin/dvk run "$shared/seeds" "$shared/dev/articles" --out "$out/dev" --tokenizer "$tok" >/dev/null || true
  .venv/bin/dvk export "$out/dev" --format jsonl --out "$out/dev.jsonl"
  .venv/bin/dvk eval --gold "$shared/gold/seeds.jsonl" --gold "$shared/dev/gold.jsonl" --pred "$out/dev.jsonl" "$@"
fi
.venv/bin/dvk run corpus/samples --out "$out/samples" --tokenizer "$tok" >/dev/null || true
.venv/bin/dvk export "$out/samples" --format jsonl --out "$out/samples.jsonl"
.venv/bin/dvk eval --gold corpus/samples/gold.jsonl --pred "$out/samples.jsonl" "$@"
rm -rf "$out"
