#!/usr/bin/env python3
"""Turns a stored animation or character sheet into an animated GIF, to look at a clip.

    python3 scripts/sheet_gif.py STORE/<id>.png OUT.gif [--clip walk] [--rows 0,1,2,3] [--scale 6]

The sheet's `<id>.json` (written next to it by the sprite store) says where each clip is and how
fast it plays; every row asked for is shown side by side, one per direction. Needs Pillow.
"""

import argparse
import json
from pathlib import Path

from PIL import Image


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sheet", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--clip", help="the clip to play (default: the first)")
    parser.add_argument("--rows", default="", help="comma-separated rows (default: all)")
    parser.add_argument("--scale", type=int, default=6)
    args = parser.parse_args()

    record = json.loads(args.sheet.with_suffix(".json").read_text())
    grid = record["frames"]
    clips = record["layout"]["animations"]
    name = args.clip or next(iter(clips))
    clip = clips[name]
    sheet = Image.open(args.sheet).convert("RGBA")
    w, h = sheet.width // grid["columns"], sheet.height // grid["rows"]
    rows = [int(r) for r in args.rows.split(",") if r] or list(range(grid["rows"]))

    frames = []
    for k in range(clip["frames"]):
        frame = Image.new("RGBA", (len(rows) * w, h), (72, 76, 88, 255))
        for i, row in enumerate(rows):
            x, y = (clip["start"] + k) * w, row * h
            cell = sheet.crop((x, y, x + w, y + h))
            frame.alpha_composite(cell, (i * w, 0))
        frames.append(frame.resize((frame.width * args.scale, h * args.scale), Image.NEAREST))
    frames[0].save(
        args.out,
        save_all=True,
        append_images=frames[1:],
        duration=round(1000 / clip["fps"]),
        loop=0 if clip.get("looping", True) else 1,
        disposal=2,
    )
    print(f"{args.out}: {name}, {clip['frames']} frames at {clip['fps']} fps, rows {rows}")


if __name__ == "__main__":
    main()
