#!/usr/bin/env bash
# Regenerates the platformer's starter art with DGX-Pixels' embedded generator (no GPU needed)
# and deploys it into examples/platformer/assets/, updating pixels.manifest.json.
# Fixed seeds keep the art reproducible; change a prompt or seed here to restyle the game.
#
#   examples/platformer/regenerate-art.sh            # from anywhere in the repository
#   DGX_PIXELS=/path/to/dgx-pixels examples/platformer/regenerate-art.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
read -r -a dgx_pixels <<< "${DGX_PIXELS:-cargo run --quiet -p dgx-pixels --}"
store="$(mktemp -d)"
trap 'rm -rf "$store"' EXIT
# Start over so the committed art is at revision 1.
rm -rf examples/platformer/assets/sprites examples/platformer/assets/.pixels \
    examples/platformer/assets/pixels.manifest.json

# name | prompt | size | seed | extra flags
sprites=(
    "player|blue hero|16|1|"
    "enemy|purple slime monster|16|5|"
    "coin|gold coin|12|1|"
    "tiles/grass|grass tile|16|2|--no-transparent"
    "tiles/dirt|brown dirt tile|16|2|--no-transparent"
    "tiles/stone|gray stone tile|16|1|--no-transparent"
    "scenery/tree|green tree|32|5|"
    "scenery/bush|green bush|16|4|"
    "scenery/flower|pink flower|8|2|"
)
for line in "${sprites[@]}"; do
    IFS='|' read -r name prompt size seed flags <<< "$line"
    # shellcheck disable=SC2086 # flags is empty or one flag
    path="$("${dgx_pixels[@]}" --out-dir "$store" generate "$prompt" --size "$size" --seed "$seed" $flags | tail -n 1)"
    id="$(basename "$path" .png)"
    "${dgx_pixels[@]}" --out-dir "$store" deploy "$id" --project examples/platformer --name "$name"
done
