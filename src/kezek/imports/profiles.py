"""Column-mapping profiles: one YAML file per source format, and a guess from the header row.

A profile names the header texts of one akimat's (or one system's) file and the field each holds.
The header row of an incoming file is found among its first lines; when a saved profile's columns
are all there, that profile is used without questions. Otherwise a mapping is guessed from the
words of the headers (``kezek.imports.vocabulary``) and offered to the official, who can save it as
a new profile so next month's file of the same akimat imports silently.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kezek.errors import ValidationFailed
from kezek.imports.values import is_blank, text
from kezek.imports.vocabulary import FIELDS_BY_KIND, match_header, norm
from kezek.settings import VAR_DIR

BUILTIN_DIR = Path(__file__).parent / "layouts"
USER_DIR = VAR_DIR / "import-profiles"
HEADER_SCAN_LINES = 30
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


class ProfileError(ValidationFailed):
    code = "bad_profile"
    title = "The import profile is not valid"


@dataclass
class Profile:
    name: str
    kind: str  # queue | stock
    columns: dict[str, str]  # header text as in the file -> field
    description: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    guessed: bool = False
    match: list[str] = field(default_factory=list)  # headers that must be present; default: all

    @property
    def signature(self) -> set[str]:
        return {norm(h) for h in (self.match or self.columns)}

    def field_for(self, header: Any) -> str | None:
        wanted = norm(text(header))
        for h, f in self.columns.items():
            if norm(h) == wanted:
                return f
        return None

    def sha(self) -> str:
        body = json.dumps(
            {"columns": {norm(k): v for k, v in sorted(self.columns.items())}, "options": self.options},
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(body.encode()).hexdigest()

    def to_yaml(self) -> str:
        doc: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "columns": self.columns,
        }
        if self.match:
            doc["match"] = self.match
        if self.options:
            doc["options"] = self.options
        return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def parse_profile(doc: Any, path: Path | None = None) -> Profile:
    where = path.name if path else "profile"
    if not isinstance(doc, dict):
        raise ProfileError(f"{where}: a profile is a mapping with name, kind and columns")
    name, kind, columns = doc.get("name"), doc.get("kind", "queue"), doc.get("columns")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ProfileError(f"{where}: name must be lower-case letters, digits, '-', '_' or '.'")
    if kind not in FIELDS_BY_KIND:
        raise ProfileError(f"{where}: kind must be one of {', '.join(FIELDS_BY_KIND)}")
    if not isinstance(columns, dict) or not columns:
        raise ProfileError(f"{where}: columns maps header texts to fields")
    known = set(FIELDS_BY_KIND[kind]) | {"ignore"}
    for header, target in columns.items():
        if target not in known:
            raise ProfileError(f"{where}: column {header!r} maps to unknown field {target!r}")
    options = doc.get("options") or {}
    if not isinstance(options, dict):
        raise ProfileError(f"{where}: options must be a mapping")
    if options.get("date_order", "dmy") not in ("dmy", "mdy"):
        raise ProfileError(f"{where}: date_order is dmy or mdy")
    match = doc.get("match") or []
    if not isinstance(match, list) or any(norm(h) not in {norm(c) for c in columns} for h in match):
        raise ProfileError(f"{where}: match lists headers that are among the columns")
    return Profile(
        name=name,
        kind=kind,
        columns={str(k): str(v) for k, v in columns.items()},
        description=str(doc.get("description") or ""),
        options=options,
        path=path,
        match=[str(h) for h in match],
    )


def load_profiles(kind: str | None = None, extra_dirs: Iterable[Path] = ()) -> list[Profile]:
    """Built-in profiles, then saved ones (a saved profile with a built-in's name replaces it)."""
    found: dict[str, Profile] = {}
    for directory in (BUILTIN_DIR, USER_DIR, *extra_dirs):
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.yaml")):
            profile = parse_profile(yaml.safe_load(path.read_text(encoding="utf-8")), path)
            found[profile.name] = profile
    return [p for p in found.values() if kind is None or p.kind == kind]


def get_profile(name: str, kind: str, extra_dirs: Iterable[Path] = ()) -> Profile:
    for profile in load_profiles(kind, extra_dirs):
        if profile.name == name:
            return profile
    raise ProfileError(f"no {kind} import profile named {name!r}", code="unknown_profile")


def save_profile(profile: Profile, directory: Path | None = None) -> Path:
    directory = directory or USER_DIR
    directory.mkdir(parents=True, exist_ok=True)
    parse_profile(yaml.safe_load(profile.to_yaml()))  # refuse to write what could not be read back
    path = directory / f"{profile.name}.yaml"
    path.write_text(profile.to_yaml(), encoding="utf-8")
    return path


# --- The header row and the mapping ------------------------------------------------------------


@dataclass
class Layout:
    """Where the header is in one sheet and which column holds which field."""

    header_line: int
    data_from: int  # the first line after the header (two-line headers skip both)
    headers: list[str]
    columns: dict[str, int]  # field -> column index
    profile: Profile
    header_norms: list[str] | None = None  # the mapped headers in normal form (computed once)


def _row_fields(cells: Sequence[Any], kind: str, profile: Profile | None) -> dict[int, str]:
    out: dict[int, str] = {}
    taken: dict[str, float] = {}
    for i, cell in enumerate(cells):
        if is_blank(cell) or not isinstance(cell, str):
            continue
        if profile is not None:
            mapped = profile.field_for(cell)
            if mapped:
                out[i] = mapped
                taken[mapped] = 2.0
                continue
            if not profile.options.get("guess_other_columns", True):
                continue
        match = match_header(cell, kind)
        if match is None or (match.field in taken and taken[match.field] >= match.score):
            continue
        for j, f in list(out.items()):
            if f == match.field:
                del out[j]
        out[i] = match.field
        taken[match.field] = match.score
    return out


def _required(kind: str) -> tuple[set[str], int]:
    if kind == "queue":
        return {"iin", "full_name", "surname"}, 3
    return {"address", "area_m2", "rooms"}, 3


def find_layout(
    first_rows: Sequence[tuple[int, list[Any]]],
    kind: str,
    profiles: Sequence[Profile],
    forced: Profile | None,
) -> Layout | None:
    """The header among the first lines, the profile whose columns it has (or a guess), the mapping."""
    anchors, minimum = _required(kind)
    candidates = [forced] if forced else sorted(profiles, key=lambda p: -len(p.columns))
    for line_index, (line, cells) in enumerate(first_rows[:HEADER_SCAN_LINES]):
        present = {norm(text(c)) for c in cells if not is_blank(c)}
        for profile in candidates:
            if forced is None and not profile.signature <= present:
                continue
            fields = _row_fields(cells, kind, profile)
            if len(set(fields.values()) - {"ignore"}) >= (1 if forced else minimum):
                return _layout(first_rows, line_index, line, cells, fields, profile)
        if forced is not None:
            continue
        fields = _row_fields(cells, kind, None)
        if len(set(fields.values())) >= minimum and anchors & set(fields.values()):
            guess = Profile(
                name="guessed",
                kind=kind,
                columns={text(cells[i]): f for i, f in sorted(fields.items())},
                guessed=True,
            )
            return _layout(first_rows, line_index, line, cells, fields, guess)
    return None


def _layout(
    rows: Sequence[tuple[int, list[Any]]],
    index: int,
    line: int,
    cells: list[Any],
    fields: dict[int, str],
    profile: Profile,
) -> Layout:
    headers = [text(c) for c in cells]
    data_from = line + 1
    # A two-line header: "ФИО" over "Фамилия | Имя | Отчество" (merged cells keep only the first).
    if index + 1 < len(rows):
        below_line, below = rows[index + 1]
        extra = _row_fields(below, profile.kind, None if profile.guessed else profile)
        new = {i: f for i, f in extra.items() if i not in fields or fields[i] == "full_name"}
        if len(new) >= 2 and not any(_looks_like_data(c) for c in below):
            for i, f in new.items():
                fields[i] = f
                while len(headers) <= i:
                    headers.append("")
                headers[i] = text(below[i])
                if profile.guessed:
                    profile.columns[text(below[i])] = f
            if "full_name" in fields.values() and {"surname", "given_name"} <= set(fields.values()):
                fields = {i: f for i, f in fields.items() if f != "full_name"}
            data_from = below_line + 1
    columns: dict[str, int] = {}
    for i, f in sorted(fields.items()):
        if f != "ignore":
            columns.setdefault(f, i)
    return Layout(header_line=line, data_from=data_from, headers=headers, columns=columns, profile=profile)


def _looks_like_data(cell: Any) -> bool:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return False
    if not isinstance(cell, str):
        return True
    return bool(re.search(r"\d{4,}", cell))
