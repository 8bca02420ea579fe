#!/usr/bin/env bash
# Regenerates the platformer's starter art with DGX-Pixels' embedded generator (no GPU needed)
# and deploys it into examples/platformer/assets/, updating pixels.manifest.json: the player's
# character sheet (idle, run and jump, four facings), the slime's and the coin's idle loops, the
# autotiled ground and the scenery. Fixed seeds keep the art reproducible; change a prompt or
# seed here to restyle the game.
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

# make NAME COMMAND ARGS...: runs a dgx-pixels command that stores one sprite (it prints the
# stored PNG's path last) and deploys that sprite, with its clips or tiles, as NAME.
make() {
    local name="$1" path
    shift
    path="$("${dgx_pixels[@]}" --out-dir "$store" "$@" | tail -n 1)"
    "${dgx_pixels[@]}" --out-dir "$store" deploy "$(basename "$path" .png)" \
        --project examples/platformer --name "$name"
}

make player character "blue hero" --directions 4 --animations idle,run,jump --size 16 --seed 1
make enemy animate "purple slime monster" --action idle --size 16 --seed 5
make coin animate "gold coin" --action idle --size 12 --seed 1
# The game's tiles are 16 px (platformer::TILE); a platformer set has the grass tops, cliff
# edges, corners and floating-platform ends the autotiler picks from.
make ground tileset "grass over dirt" --layout platformer --tile-size 16 --seed 2
make scenery/tree generate "green tree" --size 32 --seed 5
make scenery/bush generate "green bush" --size 16 --seed 4
make scenery/flower generate "pink flower" --size 8 --seed 2
