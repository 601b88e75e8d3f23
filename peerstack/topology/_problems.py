"""Pydantic's validation errors, turned into located problems a person can act on."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from peerstack._text import shown
from peerstack.errors import Problem
from peerstack.topology._source import FieldPath, SourceMap, format_path

__all__ = ["problems_from_validation_error"]


def problems_from_validation_error(
    exc: ValidationError, source: SourceMap, *, root: type[BaseModel]
) -> list[Problem]:
    problems = [_problem(error, source, root) for error in exc.errors(include_url=False)]
    # Pydantic reports one error per union branch; the same place twice reads as noise.
    seen: set[tuple[str, str]] = set()
    unique = []
    for p in problems:
        if (p.path, p.message) not in seen:
            seen.add((p.path, p.message))
            unique.append(p)
    return sorted(unique, key=Problem.sort_key)


def _problem(error: ErrorDetails, source: SourceMap, root: type[BaseModel]) -> Problem:
    raw_loc = tuple(error["loc"])
    is_key = bool(raw_loc) and raw_loc[-1] == "[key]"
    loc: FieldPath = tuple(
        part
        for part in raw_loc
        if isinstance(part, int) or not (part.startswith(("function-", "[")) or part == "[key]")
    )
    kind = error["type"]
    value = error.get("input")
    message, hint = _message(kind, error, value, loc, root)
    written = source.raw.get(loc)
    if written is not None and kind in ("string_type", "str_type") and not is_key:
        if len(written) <= 60 and '"' not in written and "\\" not in written:
            message = f"expected text, got {written} (which YAML reads as {_describe(value)})"
            hint = f'quote it: "{written}"'
    if is_key and kind in ("string_type", "str_type"):
        message = f"the key {shown(loc[-1]) if loc else '?'} must be text, not {_describe(value)}"
        hint = "quote it in YAML, or use a string key"
    line = source.line_of(loc, key=is_key or kind in ("extra_forbidden", "invalid_key"))
    if loc and not isinstance(loc[-1], str) and (is_key or kind == "invalid_key"):
        loc = (*loc[:-1], str(loc[-1]))  # a key, not a list position: `vpcs.1`, not `vpcs[1]`
    return Problem(path=format_path(loc), message=message, hint=hint, file=source.file, line=line)


def _message(
    kind: str, error: ErrorDetails, value: Any, loc: FieldPath, root: type[BaseModel]
) -> tuple[str, str | None]:
    msg = error["msg"]
    ctx = error.get("ctx", {})
    if kind == "peerstack":  # raised by the models' own checks, with a hint
        return str(ctx.get("message", msg)), ctx.get("hint")
    if kind == "value_error":
        return msg.removeprefix("Value error, "), None
    if kind == "invalid_key":
        return (
            f"the key {shown(value)} must be text, not {_describe(value)}",
            "use a string as the key",
        )
    if kind == "recursion_loop":
        return "this value contains itself (a cycle)", "give each value its own copy"
    if kind == "extra_forbidden":
        name = loc[-1] if loc else "?"
        fields = _fields_at(loc[:-1], root)
        close = difflib.get_close_matches(str(name), fields, n=1, cutoff=0.6)
        if close:
            hint = f"did you mean {close[0]!r}?"
        elif fields:
            hint = f"allowed fields here: {', '.join(sorted(fields))}"
        else:
            hint = None
        return f"unknown field {shown(name)}", hint
    if kind == "missing":
        return "required field is missing", _description_at(loc, root)
    if kind in ("string_type", "str_type"):
        if type(value) is int and 0 <= value < 10**12 and loc and loc[-1] == "id":
            return (
                f"expected text, got the number {value!r}",
                f'quote account ids so leading zeros survive: id: "{value:012d}"',
            )
        return f"expected text, got {_describe(value)}", None
    if kind == "bool_type":
        return f"expected true or false, got {_describe(value)}", None
    if kind in ("int_type", "int_parsing"):
        return f"expected a whole number, got {_describe(value)}", None
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping of fields, got {_describe(value)}", None
    if kind == "list_type":
        return f"expected a list, got {_describe(value)}", "write it as [a, b] or as '- a' lines"
    if kind == "too_short":
        least = error.get("ctx", {}).get("min_length", 1)
        return f"needs at least {least} item{'s' if least != 1 else ''}", None
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}, got {shown(value)}", None
    if kind == "less_than_equal":
        if loc and loc[0] == "quotas":
            return (
                f"{shown(value)} is above AWS's maximum of {ctx.get('le')} for this quota",
                _description_at(loc, root),
            )
        return f"must be at most {ctx.get('le')}, got {shown(value)}", _description_at(loc, root)
    return msg, None


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {shown(value)}"
    return shown(value)


def _model_at(loc: FieldPath, root: type[BaseModel]) -> type[BaseModel] | None:
    current: Any = root
    for part in loc:
        model = _unwrap_model(current)
        if model is not None and isinstance(part, str) and part in model.model_fields:
            current = model.model_fields[part].annotation
            continue
        # inside a container: step into its value type
        current = _container_item(current)
        if current is None:
            return None
    return _unwrap_model(current)


def _fields_at(loc: FieldPath, root: type[BaseModel]) -> list[str]:
    model = _model_at(loc, root)
    return list(model.model_fields) if model else []


def _description_at(loc: FieldPath, root: type[BaseModel]) -> str | None:
    if not loc or not isinstance(loc[-1], str):
        return None
    model = _model_at(loc[:-1], root)
    if model is None or loc[-1] not in model.model_fields:
        return None
    return model.model_fields[loc[-1]].description


def _unwrap_model(tp: Any) -> type[BaseModel] | None:
    if typing.get_origin(tp) is typing.Annotated:
        return _unwrap_model(typing.get_args(tp)[0])
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    if _is_union(tp):
        for arg in typing.get_args(tp):
            found = _unwrap_model(arg)
            if found is not None:
                return found
    return None


def _container_item(tp: Any) -> Any:
    if typing.get_origin(tp) is typing.Annotated:
        return _container_item(typing.get_args(tp)[0])
    if _is_union(tp):
        for arg in typing.get_args(tp):
            if arg is not type(None):
                return _container_item(arg)
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (list, tuple) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)
