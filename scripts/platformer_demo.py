"""An agent session against the running platformer, recorded: the pictures in docs/platformer.md.

Starts the platformer on a copy of its assets, drives `dgx-pixels serve` over stdio with the
official MCP Python SDK (a client we did not write) the way an agent would (generate the player
and the coins, deploy them, look at the game), and writes:

- `docs/images/platformer.png` and `docs/images/platformer-swapped.png`: the game before and after;
- `docs/images/platformer-swap.gif`: the live swap, from BRP screenshots;
- `docs/platformer-session.md`: the MCP calls and what came back.

    python -m venv .venv && .venv/bin/pip install mcp pillow
    cargo build --release -p dgx-pixels -p platformer
    WGPU_BACKEND=vulkan xvfb-run -a -s "-screen 0 1280x720x24" \
        .venv/bin/python scripts/platformer_demo.py target/release
"""

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def brp(port, method, params=None):
    body = {"jsonrpc": "2.0", "id": 1, "method": method}
    if params is not None:
        body["params"] = params
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        answer = json.load(reply)
    if "error" in answer:
        raise RuntimeError(answer["error"])
    return answer["result"]


def wait_for_game(port, game):
    deadline = time.time() + 120
    while time.time() < deadline:
        if game.poll() is not None:
            sys.exit(f"the game exited with {game.returncode}; is there a display and Vulkan?")
        try:
            sprites = brp(port, "pixels/list")["sprites"]
            if sprites and all(s["status"] == "loaded" for s in sprites):
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("the game did not answer BRP within 120 s")


class Film:
    """BRP screenshots of the game, cropped around the player, for an animated GIF."""

    def __init__(self, port, folder):
        self.port, self.folder, self.frames = port, folder, []

    def wait_for_sprites(self, timeout=120):
        """The renderer compiles the sprite pipeline after the window opens (seconds on a software
        renderer); until then frames show the sky and the text only. Waits for the ground."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            path = self.folder / "probe.png"
            brp(self.port, "brp_extras/screenshot", {"path": str(path)})
            image = Image.open(path).convert("RGB")
            width, height = image.size
            r, g, b = image.getpixel((width // 2, height * 9 // 10))
            if not (b > 200 and g > 200):  # dirt, not sky
                return
            time.sleep(0.5)
        sys.exit("the game never drew its sprites")

    def shot(self, name=None):
        path = self.folder / f"frame{len(self.frames):03}.png"
        brp(self.port, "brp_extras/screenshot", {"path": str(path)})
        image = Image.open(path).convert("RGB")
        if name:
            image.save(IMAGES / name, optimize=True)
        self.frames.append(image)
        return image

    def save(self, name, box):
        frames = [f.crop(box) for f in self.frames]
        frames[0].save(
            IMAGES / name, save_all=True, append_images=frames[1:], duration=400, loop=0,
            optimize=True,
        )


class Transcript:
    """The calls an agent made and what came back, as Markdown."""

    def __init__(self):
        self.lines = []

    def call(self, tool, arguments, result):
        text = [c.text for c in result.content if c.type == "text"]
        kinds = sorted({c.type for c in result.content})
        shown = result.structured_content if result.structured_content else text
        self.lines += [
            f"**→ `tools/call` `{tool}`**",
            "",
            "```json",
            json.dumps(trim(arguments), indent=2),
            "```",
            "",
            f"**← {'error' if result.is_error else 'result'}** (content: {', '.join(kinds)})",
            "",
            "```json",
            json.dumps(trim(shown), indent=2),
            "```",
            "",
        ]

    def note(self, text):
        self.lines += [text, ""]


def trim(value):
    """Keeps a transcript readable and free of this machine's paths: long strings are cut, the
    temp folder and the checkout named by placeholders."""
    if isinstance(value, dict):
        return {k: trim(v) for k, v in value.items()}
    if isinstance(value, list):
        return [trim(v) for v in value]
    if isinstance(value, str):
        value = value.replace(str(TEMP), "$DEMO").replace(str(ROOT), "$REPO")
        return value if len(value) < 160 else value[:157] + "…"
    return value


TEMP = Path(tempfile.mkdtemp(prefix="dgx-pixels-demo-"))


async def session(binaries, port, film, transcript):
    project = TEMP / "platformer"
    params = StdioServerParameters(
        command=str(binaries / "dgx-pixels"),
        args=["serve", "--out-dir", str(TEMP / "store")],
        cwd=str(TEMP),
        env={**os.environ, "DGX_PIXELS_LOG": "warn"},
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as mcp:
        await mcp.initialize()

        async def call(tool, arguments):
            result = await mcp.call_tool(tool, arguments)
            transcript.call(tool, arguments, result)
            assert not result.is_error, result
            return result.structured_content

        film.wait_for_sprites()
        transcript.note("> **You:** The platformer is running. Make the player a red knight, "
                        "16 px, and put it in the game. Then turn the coins into blue gems.")
        await call("bevy_screenshot", {"port": port})
        film.shot("platformer.png")
        film.shot()
        knight = await call("generate_sprite", {"prompt": "red knight", "size": 16, "seed": 3})
        await call("deploy_to_bevy", {"sprite": knight["id"], "name": "player",
                                      "project": str(project)})
        time.sleep(0.3)
        film.shot()
        # Play on while the agent works: run right and jump onto the first platform.
        brp(port, "brp_extras/send_keys", {"keys": ["ArrowRight"], "duration_ms": 1200})
        time.sleep(0.6)
        film.shot()
        brp(port, "brp_extras/send_keys", {"keys": ["Space"], "duration_ms": 400})
        time.sleep(0.2)
        film.shot()
        time.sleep(0.4)
        film.shot()
        gem = await call("generate_sprite", {"prompt": "blue gem", "size": 12, "seed": 2})
        await call("deploy_to_bevy", {"sprite": gem["id"], "name": "coin",
                                      "project": str(project)})
        time.sleep(0.3)
        film.shot("platformer-swapped.png")
        film.shot()
        await call("bevy_screenshot", {"port": port})
        transcript.note("> **Agent:** Done: the player is a red knight and the coins are blue "
                        "gems, in the running game (screenshot above).")


def main():
    binaries = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "target" / "release")
    for name in ("dgx-pixels", "platformer"):
        if not (binaries / name).exists():
            sys.exit(f"{binaries / name} is missing: cargo build --release -p dgx-pixels -p platformer")
    assets = TEMP / "platformer" / "assets"
    shutil.copytree(ROOT / "examples" / "platformer" / "assets", assets,
                    ignore=shutil.ignore_patterns(".*"))
    port = free_port()
    game = subprocess.Popen([binaries / "platformer", "--assets", assets, "--brp-port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_game(port, game)
        time.sleep(1.0)
        IMAGES.mkdir(parents=True, exist_ok=True)
        film, transcript = Film(port, TEMP), Transcript()
        asyncio.run(session(binaries, port, film, transcript))
        # Where the player is: the start, then the middle of the screen once the camera follows.
        width, height = film.frames[0].size
        film.save("platformer-swap.gif", (width // 8, height // 3, width * 5 // 8, height))
        (ROOT / "docs" / "platformer-session.md").write_text(
            "# An agent session with the running platformer\n\n"
            "Recorded by `scripts/platformer_demo.py` with the official MCP Python SDK over stdio "
            "(`$DEMO` is the demo's temporary folder, `$REPO` the checkout it ran from). Image "
            "content is left out.\n\n"
            + "\n".join(transcript.lines)
        )
        print(f"wrote {IMAGES}/platformer*.png, platformer-swap.gif, docs/platformer-session.md")
    finally:
        game.kill()
        shutil.rmtree(TEMP, ignore_errors=True)


if __name__ == "__main__":
    main()
