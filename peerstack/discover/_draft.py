"""A topology being written: its entries, each with the comments that explain it.

Entries are kept apart (not yet numbered), so that an entry the planner refuses can be
taken out, with whatever refers to it, and the rest written all the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from peerstack.discover._quotas import raised_quotas
from peerstack.discover._report import Finding, FindingKind
from peerstack.discover._yaml import Path, flow
from peerstack.errors import Problem

__all__ = ["Draft", "Entry"]

_PLACE = re.compile(r"^(?:vpcs\.(?P<vpc>[^.\[]+)|(?P<list>peerings|accepts)\[(?P<index>\d+)\])")
_ALLOW = re.compile(r"^peerings\[(?P<index>\d+)\]\.allow\[(?P<rule>\d+)\]")


@dataclass
class Entry:
    """One entry of ``vpcs``, ``peerings`` or ``accepts``, and its comments."""

    data: dict[str, Any]
    subject: str
    """The AWS id it stands for (a VPC's, a connection's)."""
    vpcs: tuple[str, ...] = ()
    """The VPC names it refers to: it goes when one of them goes."""
    notes: dict[Path, list[str]] = field(default_factory=dict)
    """Comment lines before a value of the entry (``()``: before the entry itself)."""
    allow: list[dict[str, Any]] = field(default_factory=list)
    """``allow`` entries describing rules AWS holds, written as comments only."""
    place: tuple[str | None, str | None] = (None, None)
    """The account id and region it was read in (for findings)."""

    def note(self, path: Path, *lines: str) -> None:
        self.notes.setdefault(path, []).extend(lines)


@dataclass
class Draft:
    """The whole topology being written."""

    name: str
    accounts: dict[str, dict[str, Any]]
    defaults: dict[str, Any]
    vpcs: dict[str, Entry] = field(default_factory=dict)
    peerings: list[Entry] = field(default_factory=list)
    accepts: list[Entry] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    """One line per connection not adopted."""
    suggested: list[str] = field(default_factory=list)
    """Commented ``accepts`` entries for pending requests from outside."""
    findings: list[Finding] = field(default_factory=list)

    def data(self, *, allow: bool = False) -> dict[str, Any]:
        """The topology as plain data (with the commented ``allow`` entries if asked),
        with the ``quotas`` its counts show were raised in AWS."""
        data: dict[str, Any] = {"name": self.name, "defaults": self.defaults}
        data["accounts"] = self.accounts
        data["vpcs"] = {name: entry.data for name, entry in self.vpcs.items()}
        if self.peerings:
            data["peerings"] = [
                {**e.data, "allow": e.allow} if allow and e.allow else e.data for e in self.peerings
            ]
        if self.accepts:
            data["accepts"] = [e.data for e in self.accepts]
        quotas = raised_quotas(data)
        if quotas:
            data["quotas"] = quotas
        return data

    def closing(self) -> list[str]:
        """The comment block that ends the file: what was not adopted, and why."""
        if not self.footer:
            return []
        lines = ["Not adopted (see the report):", *self.footer]
        if self.suggested:
            lines += ["", "accepts:  # pending requests from outside: uncomment to accept them"]
            lines += self.suggested
        return lines

    def notes(self) -> dict[Path, list[str]]:
        """Every entry's comments, by their place in :meth:`data`."""
        notes: dict[Path, list[str]] = {}
        for name, entry in self.vpcs.items():
            notes.update({("vpcs", name, *p): lines for p, lines in entry.notes.items()})
        for key, entries in (("peerings", self.peerings), ("accepts", self.accepts)):
            for index, entry in enumerate(entries):
                notes.update({(key, index, *p): lines for p, lines in entry.notes.items()})
        if raised_quotas(self.data()):
            notes[("quotas",)] = ["AWS holds more than these defaults: the quotas were raised"]
        return notes

    def after(self) -> dict[Path, list[str]]:
        """The commented ``allow`` entries, closing their peerings."""
        after: dict[Path, list[str]] = {}
        for index, entry in enumerate(self.peerings):
            if entry.allow:
                after[("peerings", index)] = [
                    "allow:  # rules that exist in AWS: read the report before uncommenting",
                    *(f"  - {flow(rule)}" for rule in entry.allow),
                ]
        return after

    # -- taking out what the planner refuses ---------------------------------------------

    def drop_refused(self, problems: Iterable[Problem]) -> list[Problem]:
        """Take out each entry a problem is about; the problems placed nowhere remain."""
        unplaced: list[Problem] = []
        vpcs: set[str] = set()
        gone: dict[str, set[int]] = {"peerings": set(), "accepts": set()}
        for problem in problems:
            match = _PLACE.match(problem.path)
            if match is None:
                unplaced.append(problem)
            elif match.group("vpc") is not None:
                if match.group("vpc") not in vpcs:
                    vpcs.add(match.group("vpc"))
                    self._refused(self.vpcs.get(match.group("vpc")), problem)
            else:
                entries = self._list(match.group("list"))
                index = int(match.group("index"))
                if index < len(entries) and index not in gone[match.group("list")]:
                    gone[match.group("list")].add(index)
                    self._refused(entries[index], problem)
        self.peerings = [e for i, e in enumerate(self.peerings) if i not in gone["peerings"]]
        self.accepts = [e for i, e in enumerate(self.accepts) if i not in gone["accepts"]]
        self._drop_vpcs(vpcs)
        return unplaced

    def drop_allow(self, problems: Iterable[Problem]) -> None:
        """Take out each commented ``allow`` entry the planner refuses (every one, for a
        problem that names none)."""
        for problem in problems:
            match = _ALLOW.match(problem.path)
            if match is None:
                for entry in self.peerings:
                    self._refused_allow(entry, entry.allow, problem)
                    entry.allow = []
                return
            entry = self.peerings[int(match.group("index"))]
            rule = entry.allow[int(match.group("rule"))]
            self._refused_allow(entry, [rule], problem)
            entry.allow = [r for r in entry.allow if r is not rule]

    def _list(self, key: str) -> list[Entry]:
        return self.peerings if key == "peerings" else self.accepts

    def _drop_vpcs(self, names: set[str]) -> None:
        if not names:
            return
        for name in names:
            self.vpcs.pop(name, None)
        for key in ("peerings", "accepts"):
            kept = []
            for entry in self._list(key):
                if names & set(entry.vpcs):
                    self._without(entry, names)
                else:
                    kept.append(entry)
            setattr(self, key, kept)

    def _refused(self, entry: Entry | None, problem: Problem) -> None:
        if entry is None:
            return
        account_id, region = entry.place
        self.findings.append(
            Finding(
                kind=FindingKind.REFUSED_BY_PLANNER,
                subject=entry.subject,
                message=f"left out of the topology: {problem.message}",
                hint=problem.hint,
                account_id=account_id,
                region=region,
            )
        )

    def _without(self, entry: Entry, vpcs: set[str]) -> None:
        account_id, region = entry.place
        self.findings.append(
            Finding(
                kind=FindingKind.REFUSED_BY_PLANNER,
                subject=entry.subject,
                message="left out of the topology with "
                + ", ".join(repr(v) for v in sorted(vpcs & set(entry.vpcs)))
                + ", which the planner refused",
                account_id=account_id,
                region=region,
            )
        )

    def _refused_allow(self, entry: Entry, rules: list[dict[str, Any]], problem: Problem) -> None:
        account_id, region = entry.place
        for rule in rules:
            self.findings.append(
                Finding(
                    kind=FindingKind.SECURITY_RULE_NOT_EXPRESSIBLE,
                    subject=entry.subject,
                    message=f"the `allow` entry {flow(rule)} would not plan: {problem.message}",
                    hint=problem.hint,
                    account_id=account_id,
                    region=region,
                )
            )
            self.findings[:] = [
                f
                for f in self.findings
                if not (f.kind == FindingKind.SECURITY_RULE_NOT_IMPORTED and f.entry == rule)
            ]
