"""Finding, parsing, merging (``extends``) and validating workflow definition files.

Every problem is collected and reported at once as ``file: key.path: what is wrong`` so an
administrator fixes a file in one pass instead of one error per run.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.definitions.model import Definition
from engine.definitions.schema_errors import one_line
from engine.definitions.validation import validate_raw
from engine.errors import DefinitionError
from engine.i18n import Message, m

SHIPPED_DIR = Path(__file__).resolve().parent.parent.parent / "workflows"


MAX_FILE_BYTES = 1_000_000
"""The largest shipped definition is a few kilobytes; a file of megabytes is a mistake (a log, a
dump) and would otherwise be parsed, merged and reported key by key."""


@dataclass(frozen=True)
class Problem:
    """A finding of one file. It keeps the message's key and parameters rather than a sentence, so
    whoever shows it (the CLI, the door, a JSON client) says it in their reader's language."""

    file: str
    path: str
    message: Message
    warning: bool = False

    def line(self, lang: str = "de") -> str:
        """``file: key.path: what is wrong`` in ``lang``, always one line."""
        where = f"{self.file}: {self.path}: " if self.path else f"{self.file}: "
        return one_line(where + self.message.render(lang))

    def __str__(self) -> str:
        return self.line()


_TOML_WHERE = re.compile(r"^(?P<what>.*?) \((?:at line (?P<line>\d+), column (?P<column>\d+)|at end of document)\)$")


def _toml_problem(file: str, exc: tomllib.TOMLDecodeError) -> Problem:
    """tomllib says "Cannot declare ('phases', 'a') twice (at line 9, column 11)"; the position
    comes first so an administrator's editor can jump to it."""
    match = _TOML_WHERE.match(str(exc))
    if match is None:
        return Problem(file, "", m("definition.toml", "de", error=str(exc)))
    what = _toml_what(match["what"])
    if match["line"]:
        return Problem(file, "", m("definition.toml_at", "de", line=int(match["line"]),
                                   column=int(match["column"]), what=what))
    return Problem(file, "", m("definition.toml_at_end", "de", what=what))


def _toml_what(what: str) -> str | Message:
    """TOML itself refuses a table or key given twice; in a definition that is a duplicate id.
    tomllib's other (English) explanations are quoted as they are."""
    import ast

    table = re.fullmatch(r"Cannot declare (\(.*\)) twice", what)
    if table:
        try:
            keys = ast.literal_eval(table[1])
        except (ValueError, SyntaxError):
            return what
        return m("definition.toml_duplicate_table", "de", table=".".join(map(str, keys)))
    if what == "Cannot overwrite a value":
        return m("definition.toml_duplicate_key", "de")
    return what


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Merge rule for ``extends``: tables merge key by key, everything else (strings, numbers,
    arrays) is replaced, and a table with ``remove = true`` deletes the inherited entry."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and value.get("remove") is True:
            result.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(result.get(key), Mapping) and "type" not in value:
            result[key] = merge(result[key], value)
        elif isinstance(value, Mapping):
            # A table that names its own ``type`` (a guard) replaces the inherited one whole:
            # mixing parameters of two guard types would make neither.
            result[key] = {k: v for k, v in value.items() if k != "remove"}
        else:
            result[key] = value
    return result


def _stamps(paths: Iterable[Path]) -> tuple[tuple[Path, int, int], ...]:
    """What identifies a file's content without reading it: modification time and size."""
    out = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            stat = None
        out.append((path, stat.st_mtime_ns if stat else -1, stat.st_size if stat else -1))
    return tuple(out)


class Catalog:
    """The variants an installation knows: administrators' folders first, then the shipped ones,
    so a local file may replace a shipped variant of the same name."""

    def __init__(self, extra_dirs: Iterable[Path] = ()) -> None:
        self.dirs = [Path(d) for d in extra_dirs] + [SHIPPED_DIR]
        # Keyed by the file; valid while no file of its ``extends`` chain changed on disk.
        self._cache: dict[Path, tuple[tuple[tuple[Path, int, int], ...], Definition, list[Problem]]] = {}

    def names(self) -> list[str]:
        seen: dict[str, None] = {}
        for folder in self.dirs:
            if folder.is_dir():
                for path in sorted(folder.glob("*.toml")):
                    seen.setdefault(path.stem, None)
        return sorted(seen)

    def path_of(self, name: str, after: Path | None = None) -> Path | None:
        """The file of a variant; with ``after``, only folders searched after that one, so an
        administrator's ``gnk-thueringen.toml`` may extend the shipped ``gnk-thueringen``."""
        folders = self.dirs
        if after is not None:
            resolved = [folder.resolve() for folder in self.dirs]
            start = resolved.index(after.resolve()) + 1 if after.resolve() in resolved else len(folders)
            folders = self.dirs[start:]
        for folder in folders:
            candidate = folder / f"{name}.toml"
            if candidate.is_file():
                return candidate
        return None

    def resolve(self, name_or_path: str) -> Path:
        """A variant name, or a path to a file an administrator is still writing."""
        if name_or_path.endswith(".toml") or "/" in name_or_path:
            path = Path(name_or_path)
            if not path.is_file():
                raise DefinitionError(m("workflow.file_missing", "de", path=name_or_path))
            return path
        path = self.path_of(name_or_path)
        if path is None:
            raise DefinitionError(m("workflow.unknown", "de", name=name_or_path, allowed=", ".join(self.names())))
        return path

    # -- loading ------------------------------------------------------------------------------
    def load(self, name_or_path: str) -> Definition:
        """Load and validate; raise DefinitionError listing every error (warnings are ignored)."""
        definition, problems = self.check(name_or_path)
        errors = [p for p in problems if not p.warning]
        if errors or definition is None:
            raise DefinitionError(errors[0].message if errors else m("definition.invalid", "de"), errors)
        return definition

    def check(self, name_or_path: str) -> tuple[Definition | None, list[Problem]]:
        """Load without raising: the definition (if it is valid) and all errors and warnings."""
        path = self.resolve(name_or_path)
        cached = self._cache.get(path)
        if cached and cached[0] == _stamps(p for p, _, _ in cached[0]):
            return cached[1], list(cached[2])
        files: list[Path] = []
        raw, problems = self._raw(path, chain=(), files=files)
        if raw is None:
            return None, problems
        if raw.get("name") != path.stem and "name" in raw:
            problems.append(Problem(path.name, "name", m("definition.name_not_file", "de", stem=path.stem)))
        definition, findings = validate_raw(raw)
        problems += [Problem(path.name, path_, message, warning) for path_, message, warning in findings]
        if definition is not None and not any(not p.warning for p in problems):
            self._cache[path] = (_stamps(files), definition, problems)
            return definition, problems
        return None, problems

    def _raw(self, path: Path, chain: tuple[str, ...],
             files: list[Path]) -> tuple[dict[str, Any] | None, list[Problem]]:
        files.append(path)
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, [Problem(path.name, "", m("definition.too_large", "de", mb=MAX_FILE_BYTES // 1_000_000))]
        try:
            with path.open("rb") as fh:
                raw = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            return None, [_toml_problem(path.name, exc)]
        except UnicodeDecodeError as exc:
            return None, [Problem(path.name, "", m("definition.not_utf8", "de", error=str(exc)))]
        except RecursionError:  # tomllib recurses once per nesting level
            return None, [Problem(path.name, "", m("definition.toml_too_deep", "de"))]
        parent = raw.get("extends")
        if parent is None:
            return raw, []
        if not isinstance(parent, str):
            return None, [Problem(path.name, "extends", m("definition.extends_not_name", "de"))]
        # A file extending its own name overrides the variant of that name found further down the
        # search path (an administrator's local gnk-thueringen on top of the shipped one).
        parent_path = self.path_of(parent, after=path.parent) if parent == path.stem else self.path_of(parent)
        overrides_nothing = parent == path.stem and parent_path is None
        if overrides_nothing or parent in chain and parent != path.stem or parent_path in files:
            loop = " -> ".join((*chain, path.stem, parent))
            return None, [Problem(path.name, "extends", m("definition.extends_loop", "de", loop=loop))]
        if parent_path is None:
            return None, [Problem(path.name, "extends", m("definition.extends_unknown", "de", parent=parent))]
        base, problems = self._raw(parent_path, (*chain, path.stem), files)
        if base is None:
            return None, problems
        merged = merge(base, raw)
        merged["extends"] = parent
        return merged, problems
