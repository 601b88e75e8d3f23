"""A stand-in for the `pulumi` binary, installed as ``<root>/bin/pulumi`` by the tests.

It answers the commands the Automation API runs, from a scenario (``<root>/scenario.json``),
records every call (``<root>/calls.jsonl``) and keeps the stacks it has "created"
(``<root>/stacks.json``). For preview/up/refresh/destroy it writes the scenario's engine
events to the ``--event-log`` (a file, or the gRPC address newer CLIs are given), exactly as
the real CLI does, then exits with the scenario's code and output.

It never runs the inline program (the real CLI calls back into the language server given
with ``--client``); the end-to-end tests do that with a real `pulumi`.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET_SENTINEL = "[secret]"


def _load(name: str, default: object) -> object:
    path = ROOT / name
    return json.loads(path.read_text()) if path.exists() else default


def _record(args: list[str]) -> None:
    env = os.environ
    entry = {
        "args": args,
        "cwd": os.getcwd(),
        "pulumi_home": env.get("PULUMI_HOME"),
        "skip_update_check": env.get("PULUMI_SKIP_UPDATE_CHECK"),
        "automation_api": env.get("PULUMI_AUTOMATION_API"),
        "passphrase_set": "PULUMI_CONFIG_PASSPHRASE" in env
        or "PULUMI_CONFIG_PASSPHRASE_FILE" in env,
    }
    with (ROOT / "calls.jsonl").open("a") as handle:
        handle.write(json.dumps(entry) + "\n")


def _option(args: list[str], name: str) -> str | None:
    for index, arg in enumerate(args):
        if arg == name and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def _fail(outcome: dict[str, object]) -> None:
    sys.stdout.write(str(outcome.get("stdout", "")))
    sys.stderr.write(str(outcome.get("stderr", "")))
    sys.stdout.flush()
    sys.stderr.flush()
    raise SystemExit(int(outcome.get("exit", 255)))  # type: ignore[call-overload]


def _emit(target: str, events: list[dict[str, object]]) -> None:
    events = [*events, {"cancelEvent": {}}]
    numbered = [{"sequence": i + 1, "timestamp": 1700000000 + i, **e} for i, e in enumerate(events)]
    if target.startswith("tcp://"):
        import grpc  # type: ignore[import-untyped]
        from pulumi.runtime.proto import events_pb2, events_pb2_grpc

        with grpc.insecure_channel(target.removeprefix("tcp://")) as channel:
            stub = events_pb2_grpc.EventsStub(channel)
            stub.StreamEvents(
                iter([events_pb2.EventRequest(event=json.dumps(e)) for e in numbered])
            )
        return
    with open(target, "a", encoding="utf-8") as handle:
        for event in numbered:
            handle.write(json.dumps(event) + "\n")
            handle.flush()


def main() -> None:
    args = sys.argv[1:]
    _record(args)
    args = [a for a in args if a != "--non-interactive"]
    scenario: dict[str, object] = _load("scenario.json", {})  # type: ignore[assignment]
    stacks: list[str] = _load("stacks.json", [])  # type: ignore[assignment]

    if args[:1] == ["version"]:
        print(scenario.get("version", "v3.200.0"))
        return
    stack = _option(args, "--stack")

    if args[:2] == ["stack", "select"]:
        if stack not in stacks:
            _fail({"stderr": f"error: no stack named '{stack}' found\n"})
        return
    if args[:2] == ["stack", "init"]:
        # Several fake CLIs may run at once (one per stack): add under a lock, and
        # replace the file whole so that no reader sees half of it.
        import fcntl

        with (ROOT / "stacks.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            stacks = _load("stacks.json", [])  # type: ignore[assignment]
            stacks.append(args[2])
            partial = ROOT / f"stacks.json.{os.getpid()}"
            partial.write_text(json.dumps(stacks))
            os.replace(partial, ROOT / "stacks.json")
        return
    if args[:2] == ["config", "set-all"]:
        return
    if args[:2] == ["plugin", "install"]:
        if "plugin_install" in scenario:
            _fail(scenario["plugin_install"])  # type: ignore[arg-type]
        return
    if args[:2] == ["stack", "history"]:
        last = scenario.get("last_operation", {"kind": "update", "resourceChanges": {}})
        print(
            json.dumps(
                [
                    {
                        "kind": last["kind"],  # type: ignore[index]
                        "startTime": "2026-01-01T00:00:00.000Z",
                        "endTime": "2026-01-01T00:00:09.000Z",
                        "message": "",
                        "environment": {},
                        "config": {},
                        "result": "succeeded",
                        "version": 1,
                        "resourceChanges": last["resourceChanges"],  # type: ignore[index]
                    }
                ]
            )
        )
        return
    if args[:2] == ["stack", "export"]:
        print(json.dumps(scenario.get("state", {"version": 3, "deployment": {"resources": []}})))
        return
    if args[:2] == ["stack", "import"]:
        imported = Path(_option(args, "--file") or "").read_text()
        (ROOT / "imported.json").write_text(imported)
        return
    if args[:2] == ["stack", "output"]:
        outputs: dict[str, object] = scenario.get("outputs", {})  # type: ignore[assignment]
        secret: list[str] = scenario.get("secret_outputs", [])  # type: ignore[assignment]
        if "--show-secrets" not in args:
            outputs = {k: SECRET_SENTINEL if k in secret else v for k, v in outputs.items()}
        print(json.dumps(outputs))
        return
    if args[:1] == ["stack"] and stack is not None and len(args) >= 1 and args[1] == "--stack":
        if stack not in stacks:
            _fail({"stderr": f"error: no stack named '{stack}' found\n"})
        return

    operation = args[0]
    if operation in ("preview", "up", "refresh", "destroy"):
        outcome: dict[str, object] = scenario.get(operation, {})  # type: ignore[assignment]
        log = _option(args, "--event-log")
        if log:
            _emit(log, outcome.get("events", []))  # type: ignore[arg-type]
        if int(outcome.get("exit", 0)):  # type: ignore[call-overload]
            _fail(outcome)
        sys.stdout.write(str(outcome.get("stdout", "")))
        return
    _fail({"stderr": f"error: fake pulumi does not know {args!r}\n"})


if __name__ == "__main__":
    main()
