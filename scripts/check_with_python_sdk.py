"""Drive dgx-pixels with the official MCP Python SDK over all three transports.

A client we did not write: it lists the tools, generates a sprite with progress, reads the
resource back and checks that bad input gets a clear tool error.

    python -m venv .venv && .venv/bin/pip install mcp
    .venv/bin/python scripts/check_with_python_sdk.py target/release/dgx-pixels
"""

import asyncio
import base64
import os
import socket
import subprocess
import sys
import tempfile
import time

from mcp.client.session import ClientSession
from mcp.client.sse import sse_client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client


async def exercise(name, read, write):
    async with ClientSession(read, write) as session:
        await session.initialize()
        tools = await session.list_tools()
        names = sorted(t.name for t in tools.tools)
        assert {"generate_sprite", "generate_batch"} <= set(names), names

        progress = []

        async def on_progress(value, total, message):
            progress.append((value, total, message))

        result = await session.call_tool(
            "generate_sprite",
            {"prompt": "red potion", "size": 32, "seed": 5},
            progress_callback=on_progress,
        )
        assert not result.is_error, result
        sprite = result.structured_content
        assert sprite["width"] == 32 and sprite["seed"] == 5, sprite
        kinds = [c.type for c in result.content]
        assert "image" in kinds and "resource_link" in kinds, kinds
        assert len(progress) == 4, progress

        read_back = await session.read_resource(sprite["uri"])
        png = base64.b64decode(read_back.contents[0].blob)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"

        bad = await session.call_tool("generate_sprite", {"prompt": "x", "size": 0})
        assert bad.is_error and "size must be 8–256, got 0" in bad.content[0].text, bad
        print(f"{name:<16} ok: tools={names}, progress={[p[2] for p in progress]}, "
              f"sprite={sprite['path']}, error={bad.content[0].text!r}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def main(binary):
    out_dir = tempfile.mkdtemp(prefix="dgx-pixels-check-")
    params = StdioServerParameters(command=binary, args=["serve", "--out-dir", out_dir])
    async with stdio_client(params) as (read, write):
        await exercise("stdio", read, write)

    port = free_port()
    server = subprocess.Popen(
        [binary, "serve", "--http", f"127.0.0.1:{port}", "--out-dir", out_dir],
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        async with streamable_http_client(f"http://127.0.0.1:{port}/mcp") as streams:
            await exercise("streamable-http", streams[0], streams[1])
        async with sse_client(f"http://127.0.0.1:{port}/sse") as (read, write):
            await exercise("legacy-sse", read, write)
    finally:
        server.terminate()


if __name__ == "__main__":
    asyncio.run(main(os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/release/dgx-pixels")))
