"""The client matrix: dgx-pixels driven by clients we did not write, for each protocol generation
and transport. `.ci/run` runs it; by hand:

    python -m venv .venv && .venv/bin/pip install mcp
    .venv/bin/python scripts/client_matrix.py target/debug/dgx-pixels \\
        [--stand-in target/debug/examples/stand_in] [--inspector 'node .../inspector/cli/build/cli.js']

Rows (client x protocol x transport):
- the official Python SDK (`mcp`) x 2025-11-25 (initialize) x stdio, Streamable HTTP, legacy SSE;
- the official Python SDK x 2026-07-28 (server/discover, no session) x stdio, Streamable HTTP;
- the official Python SDK x 2026-07-28 x stdio, Streamable HTTP with the tasks extension, declared
  through the SDK's own extension API (`ClientExtension` + `ResultClaim`): the SDK claims legacy
  wires cannot carry extension results, so tasks are driven under 2026-07-28 only;
- the MCP Inspector CLI 0.15 x 2025-11-25 x stdio, Streamable HTTP, legacy SSE;
- the MCP Inspector CLI 2.x: the --strict schema check, and a batch under 2026-07-28
  (`--protocol-era modern`), run as a task its tasks client settles, against the same batch
  answered plainly under 2025-11-25.

A Python row checks the negotiated version, tools/list, generate_sprite with its four progress
notifications, the sprite read back as a resource, a bad argument answered as a tool error, no
warning from the SDK (such as "Session termination failed") and, given the ComfyUI stand-in, a
ComfyUI call cancelled while sampling, which must interrupt the job within 5 s. A tasks row runs a batch as a
task (its result must equal the plain call's, byte for byte) and, given the stand-in, cancels a
ComfyUI batch with `tasks/cancel` while it samples. An Inspector row lists the tools and makes a
sprite. Ends with "N passed, M failed"; exits 1 if any row failed.
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
from typing import Any, Literal

import anyio
from mcp import Client
from mcp.client.extension import ClientExtension, ResultClaim
from mcp.client.sse import sse_client
from mcp.client.stdio import StdioServerParameters
from mcp_types import CallToolResult, Request, Result
from pydantic import ConfigDict, TypeAdapter

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


TASKS = "io.modelcontextprotocol/tasks"
ANY = TypeAdapter(dict[str, Any])


class TaskCreated(Result):
    """What a tools/call answers when the server runs it as a task (SEP-2663)."""

    model_config = ConfigDict(extra="allow")
    result_type: Literal["task"]
    task_id: str
    status: str
    poll_interval_ms: int = 500


class TaskRequest(Request[dict[str, Any], str]):
    """`tasks/get` or `tasks/cancel` for one task; SEP-2663 names the task in `Mcp-Name`."""

    name_param = "taskId"


async def task_request(session, method, task_id):
    return await session.send_request(TaskRequest(method=method, params={"taskId": task_id}), ANY)


async def poll_task(session, task, seen):
    """Polls `tasks/get` until the task ends; `seen` collects the status messages on the way."""
    while True:
        state = await task_request(session, "tasks/get", task.task_id)
        seen.append(state.get("statusMessage"))
        if state["status"] != "working":
            return state
        await anyio.sleep(state.get("pollIntervalMs", task.poll_interval_ms) / 1000)


class Tasks(ClientExtension):
    """The tasks extension through the SDK's own extension API: a call the server answers with a
    task is finished by polling `tasks/get`, so `call_tool` returns the plain result."""

    identifier = TASKS

    def __init__(self):
        self.created = []
        self.status_messages = []

    def claims(self):
        return [ResultClaim(result_type="task", model=TaskCreated, resolve=self.resolve)]

    async def resolve(self, task, ctx):
        self.created.append(task.task_id)
        state = await poll_task(ctx.session, task, self.status_messages)
        check(state["status"] == "completed", f"task ended {state['status']}: {state}")
        return CallToolResult.model_validate(state["result"])


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


async def tasks_row(target, stand_in):
    """The tasks extension under 2026-07-28 with the Python SDK: a batch comes back as a task whose
    result equals the plain call's, and `tasks/cancel` stops a ComfyUI batch while it samples."""
    passed = []
    batch = {"prompts": ["red potion", "gold coin"], "size": 16, "seed": 7, "backend": "embedded"}
    async with Client(target, mode=STATELESS) as plain:
        expected = await plain.call_tool("generate_batch", batch)
    tasks = Tasks()
    async with Client(target, mode=STATELESS, extensions=[tasks]) as client:
        result = await client.call_tool("generate_batch", batch)
        check(len(tasks.created) == 1, f"no task was created: {tasks.created}")
        check(not result.is_error, f"task result: {result}")
        got, want = result.structured_content, expected.structured_content
        check(got["succeeded"] == 2 and got["seed"] == want["seed"], f"task result {got}")
        for mine, theirs in zip(got["items"], want["items"]):
            with open(mine["path"], "rb") as a, open(theirs["path"], "rb") as b:
                check(a.read() == b.read(), f"task sprite {mine['index']} differs from the plain call's")
        check(any(m and "stored" in m for m in tasks.status_messages), f"{tasks.status_messages}")
        passed.append("generate_batch as a task = plain call")

        if stand_in:
            before = interrupted_jobs(stand_in)
            task = await client.session.call_tool(
                "generate_batch",
                {"prompts": ["knight", "slime"], "steps": 40, "backend": "comfyui"},
                allow_claimed=True,
            )
            check(isinstance(task, TaskCreated), f"not a task: {task}")
            with anyio.fail_after(20):
                while "sampling" not in ((await task_request(
                    client.session, "tasks/get", task.task_id)).get("statusMessage") or ""):
                    await anyio.sleep(0.05)
            await task_request(client.session, "tasks/cancel", task.task_id)
            with anyio.fail_after(5):
                state = await poll_task(client.session, task, [])
                while interrupted_jobs(stand_in) == before:
                    await anyio.sleep(0.05)
            check(state["status"] == "cancelled", f"after tasks/cancel: {state['status']}")
            passed.append("tasks/cancel interrupts ComfyUI")
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
        timeout=120,
    )
    check(answer.returncode == 0, f"inspector --strict: {answer.stderr.strip()[-500:]}")
    warnings = [line for line in answer.stderr.splitlines() if line.startswith("Warning")]
    check(not warnings, f"{len(warnings)} schema warnings, first: {warnings[:1]}")
    tools = json.loads(answer.stdout)["tools"]
    return [f"tools/list --strict: {len(tools)} tools, 0 warnings"]


def inspector_tasks_row(inspector, serve):
    """The Inspector 2.x declares the tasks extension on both eras. Under 2026-07-28
    (`--protocol-era modern`) a batch runs as a task that its tasks client settles; under
    2025-11-25, whose results carry no `resultType`, the same call is answered plainly (a task
    handle there reads as an empty result). The sprites are the same both ways."""

    def run(era):
        answer = subprocess.run(
            [*inspector, "--cli", "--protocol-era", era, "-e", "DGX_PIXELS_LOG=info", *serve,
             "--method", "tools/call", "--tool-name", "generate_batch",
             "--tool-arg", 'prompts=["red potion", "gold coin"]', "--tool-arg", "size=16",
             "--tool-arg", "seed=7", "--tool-arg", "backend=embedded"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        check(answer.returncode == 0, f"inspector {era}: {answer.stderr.strip()[-500:]}")
        result = json.loads(answer.stdout)
        check(not result.get("isError") and result.get("structuredContent", {}).get("succeeded") == 2,
              f"{era}: {str(result)[:300]}")
        return result["structuredContent"]["items"], "running as a task" in answer.stderr

    (plain, plain_task), (tasked, tasked_task) = run("legacy"), run("modern")
    check(not plain_task, "2025-11-25: the call ran as a task")
    check(tasked_task, "2026-07-28: no task was made")
    for a, b in zip(plain, tasked):
        with open(a["path"], "rb") as one, open(b["path"], "rb") as other:
            check(one.read() == other.read(), f"sprite {a['index']}: the task made other pixels")
    return ["2026-07-28 generate_batch as a task = 2025-11-25 plain call"]


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
        (f"{sdk} tasks", STATELESS, "stdio", lambda: tasks_row(stdio(), stand_in)),
        (f"{sdk} tasks", STATELESS, "streamable-http", lambda: tasks_row(f"{base}/mcp", stand_in)),
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
        rows.append(
            ("inspector-cli 2.x tasks", "both", "stdio",
             lambda: anyio.to_thread.run_sync(inspector_tasks_row, strict, serve))
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
