"""The client matrix: dgx-pixels driven by clients we did not write, for each protocol generation
and transport. `.ci/run` runs it; by hand:

    python -m venv .venv && .venv/bin/pip install mcp
    .venv/bin/python scripts/client_matrix.py target/debug/dgx-pixels \\
        [--stand-in target/debug/examples/stand_in] [--inspector 'node .../inspector/cli/build/cli.js']

Rows (client x protocol x transport):
- the official Python SDK (`mcp`) x 2025-11-25 (initialize) x stdio, Streamable HTTP, legacy SSE;
- the official Python SDK x 2026-07-28 (server/discover, no session) x stdio, Streamable HTTP;
- the MCP Inspector CLI x 2025-11-25 x stdio, Streamable HTTP, legacy SSE (its TypeScript SDK knows
  no later version).

A Python row checks the negotiated version, tools/list, generate_sprite with its four progress
notifications, the sprite read back as a resource, a bad argument answered as a tool error, no
warning from the SDK (such as "Session termination failed") and, given the ComfyUI stand-in, a
ComfyUI call cancelled while sampling, which must interrupt the job within 5 s. An Inspector row
lists the tools and makes a sprite. Ends with "N passed, M failed"; exits 1 if any row failed.
"""

import argparse
import base64
import json
import logging
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from importlib.metadata import version

import anyio
from mcp import Client
from mcp.client.sse import sse_client
from mcp.client.stdio import StdioServerParameters

INITIALIZE, STATELESS = "2025-11-25", "2026-07-28"
PNG = b"\x89PNG\r\n\x1a\n"


class SdkWarnings(logging.Handler):
    """What the SDK logs at WARNING or above, e.g. "Session termination failed: 202"."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def interrupted_jobs(stand_in):
    """How many jobs the ComfyUI stand-in's history shows as interrupted."""
    with urllib.request.urlopen(f"{stand_in}/history", timeout=5) as response:
        history = json.load(response)
    return sum(
        1
        for entry in history.values()
        if any(m[0] == "execution_interrupted" for m in entry["status"]["messages"])
    )


async def cancel_while_sampling(client, stand_in):
    """Starts a ComfyUI call, cancels it at its first sampler step, and waits for the interrupt."""
    before = interrupted_jobs(stand_in)
    sampling = anyio.Event()

    async def on_progress(progress, total, message):
        if message and "sampling" in message:
            sampling.set()

    async with anyio.create_task_group() as calls:
        calls.start_soon(
            lambda: client.call_tool(
                "generate_sprite",
                {"prompt": "knight", "steps": 40, "backend": "comfyui"},
                progress_callback=on_progress,
            )
        )
        with anyio.fail_after(20):
            await sampling.wait()
        calls.cancel_scope.cancel()
    with anyio.fail_after(5):
        while interrupted_jobs(stand_in) == before:
            await anyio.sleep(0.05)


async def python_row(target, mode, expected, stand_in):
    """One Python SDK row; returns the checks that passed (raises on the first that fails)."""
    passed = []
    async with Client(target, mode=mode) as client:
        check(client.protocol_version == expected, f"negotiated {client.protocol_version}")
        passed.append(f"version {expected}")

        names = {tool.name for tool in (await client.list_tools()).tools}
        check({"generate_sprite", "generate_batch"} <= names, f"tools {sorted(names)}")
        passed.append("tools/list")

        progress = []

        async def on_progress(value, total, message):
            progress.append(message)

        result = await client.call_tool(
            "generate_sprite",
            {"prompt": "red potion", "size": 32, "seed": 5, "backend": "embedded"},
            progress_callback=on_progress,
        )
        check(not result.is_error, f"generate_sprite failed: {result}")
        sprite = result.structured_content
        check(sprite["width"] == 32 and sprite["seed"] == 5, f"sprite {sprite}")
        kinds = {content.type for content in result.content}
        check({"image", "resource_link"} <= kinds, f"content {kinds}")
        check(len(progress) == 4, f"progress {progress}")
        passed.append("generate_sprite + 4 progress")

        read_back = await client.read_resource(sprite["uri"])
        check(base64.b64decode(read_back.contents[0].blob)[:8] == PNG, "resource is not a PNG")
        passed.append("resources/read")

        bad = await client.call_tool("generate_sprite", {"prompt": "x", "size": 0})
        check(bad.is_error and "size must be 8" in bad.content[0].text, f"bad input: {bad}")
        passed.append("tool error")

        if stand_in:
            await cancel_while_sampling(client, stand_in)
            passed.append("cancel interrupts ComfyUI")
    return passed


def inspector_row(inspector, target):
    """One MCP Inspector CLI row: tools/list and a generate_sprite call."""

    def run(*method):
        answer = subprocess.run(
            [*inspector, "--cli", *target, *method],
            capture_output=True,
            text=True,
            timeout=60,
        )
        check(answer.returncode == 0, f"inspector {method[1]}: {answer.stderr.strip()[-500:]}")
        return json.loads(answer.stdout)

    names = {tool["name"] for tool in run("--method", "tools/list")["tools"]}
    check("generate_sprite" in names, f"tools {sorted(names)}")
    result = run(
        "--method", "tools/call", "--tool-name", "generate_sprite",
        "--tool-arg", "prompt=gem", "--tool-arg", "size=16", "--tool-arg", "backend=embedded",
    )
    check(not result.get("isError"), f"generate_sprite failed: {result}")
    kinds = {content["type"] for content in result["content"]}
    check("image" in kinds, f"content {kinds}")

    # A seed the server picked survives a JavaScript client: sent back, it makes the same sprite.
    first = result["structuredContent"]
    check(first["seed"] <= 2**53 - 1, f"seed {first['seed']} is beyond what JavaScript holds exactly")
    again = run(
        "--method", "tools/call", "--tool-name", "generate_sprite",
        "--tool-arg", "prompt=gem", "--tool-arg", "size=16", "--tool-arg", "backend=embedded",
        "--tool-arg", f"seed={first['seed']}",
    )["structuredContent"]
    check(again["seed"] == first["seed"], f"seed came back as {again['seed']}, sent {first['seed']}")
    with open(first["path"], "rb") as a, open(again["path"], "rb") as b:
        check(a.read() == b.read(), "the same seed through the Inspector made other pixels")
    return ["tools/list", "generate_sprite", "seed round trip"]


def strict_row(inspector, target):
    """The Inspector's --strict schema check of tools/list: no warnings at all."""
    answer = subprocess.run(
        [*inspector, "--cli", *target, "--method", "tools/list", "--strict"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    check(answer.returncode == 0, f"inspector --strict: {answer.stderr.strip()[-500:]}")
    warnings = [line for line in answer.stderr.splitlines() if line.startswith("Warning")]
    check(not warnings, f"{len(warnings)} schema warnings, first: {warnings[:1]}")
    tools = json.loads(answer.stdout)["tools"]
    return [f"tools/list --strict: {len(tools)} tools, 0 warnings"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port):
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


async def main(args):
    binary = os.path.abspath(args.binary)
    out_dir = tempfile.mkdtemp(prefix="dgx-pixels-matrix-")
    processes = []
    stand_in = None
    if args.stand_in:
        # Each sampler step takes 200 ms: long enough to cancel, short enough for CI.
        process = subprocess.Popen(
            [args.stand_in, "200"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        processes.append(process)
        stand_in = process.stdout.readline().strip()
    extra = ["--comfyui", stand_in] if stand_in else []
    serve = [binary, "serve", "--out-dir", out_dir, *extra]
    quiet = {"DGX_PIXELS_LOG": "warn"}
    port = free_port()
    processes.append(
        subprocess.Popen(
            [*serve, "--http", f"127.0.0.1:{port}"],
            stderr=subprocess.DEVNULL,
            env={**os.environ, **quiet},
        )
    )
    wait_for_port(port)
    base = f"http://127.0.0.1:{port}"
    stdio = lambda: StdioServerParameters(command=binary, args=serve[1:], env=quiet)  # noqa: E731

    warnings = SdkWarnings()
    logging.getLogger("mcp").addHandler(warnings)
    sdk = f"python-sdk {version('mcp')}"
    rows = [
        (sdk, INITIALIZE, "stdio", lambda: python_row(stdio(), "legacy", INITIALIZE, stand_in)),
        (sdk, INITIALIZE, "streamable-http",
         lambda: python_row(f"{base}/mcp", "legacy", INITIALIZE, stand_in)),
        (sdk, INITIALIZE, "legacy-sse",
         lambda: python_row(sse_client(f"{base}/sse"), "legacy", INITIALIZE, stand_in)),
        (sdk, STATELESS, "stdio", lambda: python_row(stdio(), STATELESS, STATELESS, stand_in)),
        (sdk, STATELESS, "streamable-http",
         lambda: python_row(f"{base}/mcp", STATELESS, STATELESS, stand_in)),
    ]
    if args.inspector:
        inspector = shlex.split(args.inspector)
        for transport, target in [
            ("stdio", serve),
            ("streamable-http", [f"{base}/mcp", "--transport", "http"]),
            ("legacy-sse", [f"{base}/sse", "--transport", "sse"]),
        ]:
            rows.append(
                ("inspector-cli", INITIALIZE, transport,
                 lambda target=target: anyio.to_thread.run_sync(inspector_row, inspector, target))
            )

    if args.strict_inspector:
        strict = shlex.split(args.strict_inspector)
        rows.append(
            ("inspector-cli 2.x", INITIALIZE, "stdio",
             lambda: anyio.to_thread.run_sync(strict_row, strict, serve))
        )

    failed = 0
    print(f"{'client':<20} {'protocol':<11} {'transport':<16} {'result':<6} {'time':>6}  checks")
    try:
        for client, protocol, transport, row in rows:
            started = time.monotonic()
            warnings.messages.clear()
            try:
                passed = await row()
                check(not warnings.messages, f"SDK warnings: {warnings.messages}")
                result, detail = "ok", ", ".join(passed)
            except Exception as error:  # noqa: BLE001 - every failure is reported in its row
                failed += 1
                result, detail = "FAILED", f"{type(error).__name__}: {error}"
            took = time.monotonic() - started
            print(f"{client:<20} {protocol:<11} {transport:<16} {result:<6} {took:5.1f}s  {detail}")
    finally:
        for process in processes:
            process.terminate()
            process.wait()
    print(f"matrix: {len(rows) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary", help="the dgx-pixels binary")
    parser.add_argument("--stand-in", help="the ComfyUI stand-in (comfyui's stand_in example)")
    parser.add_argument("--inspector", help="how to run the Inspector CLI, e.g. 'node cli.js'")
    parser.add_argument(
        "--strict-inspector",
        help="how to run an Inspector CLI with --strict (2.x), e.g. 'node launcher/build/index.js'",
    )
    sys.exit(anyio.run(main, parser.parse_args()))
