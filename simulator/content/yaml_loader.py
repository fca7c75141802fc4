"""YAML loading that remembers where every value came from.

PyYAML's composer gives us nodes with marks; we build plain Python objects from them and
keep a map from the field path (a tuple of keys and indexes) to the 1-based line, so a
pydantic error location can be turned into ``FILE:LINE``.

Content files are untrusted input to a long-running server, so parsing is bounded before
any object is built: a file larger than :data:`MAX_FILE_BYTES`, nesting deeper than
:data:`MAX_DEPTH`, and aliases that expand the document past :data:`MAX_EXPANDED_VALUES`
values are refused with a located issue. Aliases are budgeted rather than banned because
authors use them for repeated feedback blocks; the budget is on what building the data
would create (each alias counts the whole value it repeats), so a 363-byte "billion
laughs" file is refused after composing a few dozen nodes instead of growing to gigabytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from simulator.content.errors import ContentError, ContentIssue

FieldPath = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


MAX_FILE_BYTES = 1_000_000  # the largest content file is ~55 kB
MAX_DEPTH = 40  # the deepest content file nests 8 levels
MAX_EXPANDED_VALUES = 200_000  # the largest content file builds about 8,000


class _BoundedLoader(yaml.SafeLoader):
    """A safe loader that refuses deep nesting while composing and remembers every alias.

    Duplicate keys are reported by :func:`_build` instead of silently kept. The depth check
    sits in the composer, which sees every written node once, so nothing grows before it is
    refused; :func:`_check_expansion` then sizes what the aliases would multiply.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0
        self.aliases: list[tuple[yaml.Mark, str]] = []

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
            self.aliases.append((event.start_mark, event.anchor))
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _check_expansion(loader: _BoundedLoader, root: yaml.Node) -> None:
    """Refuse aliases that would build more than MAX_EXPANDED_VALUES values or nest too deep."""
    if not loader.aliases:
        return
    sizes: dict[int, tuple[int, int]] = {}

    def measure(node: yaml.Node) -> tuple[int, int]:  # (values when built, depth when built)
        known = sizes.get(id(node))
        if known is not None:
            return known
        size, depth = 1, 1
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        for child in children:
            child_size, child_depth = measure(child)
            size = min(size + child_size, MAX_EXPANDED_VALUES + 1)
            depth = max(depth, child_depth + 1)
        sizes[id(node)] = (size, depth)
        return size, depth

    size, depth = measure(root)
    if size > MAX_EXPANDED_VALUES or depth > MAX_DEPTH:
        worst_mark, worst_anchor = max(
            loader.aliases, key=lambda alias: sizes.get(id(loader.anchors.get(alias[1])), (0, 0))
        )
        limit = f"more than {MAX_EXPANDED_VALUES:,} values" if size > MAX_EXPANDED_VALUES else f"more than {MAX_DEPTH} levels deep"
        raise yaml.composer.ComposerError(
            None, None, f"aliases expand this file to {limit} (*{worst_anchor} here); write the values out", worst_mark
        )


def _build(
    loader: yaml.SafeLoader, node: yaml.Node, path: FieldPath, lines: dict[FieldPath, int], issues: list[str]
) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)  # a key's own line wins over its value's
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node)
            if isinstance(key, (list, dict)):
                key = str(key)
            if key in result:
                issues.append(f"{key_node.start_mark.line + 1}\t{'.'.join(map(str, path + (key,)))}\tduplicate key")
            lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = _build(loader, value_node, path + (key,), lines, issues)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, path + (i,), lines, issues) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


class LocatedDocument:
    """A parsed YAML document plus the line of every field path in it."""

    def __init__(self, path: Path, data: Any, lines: dict[FieldPath, int], text: str):
        self.path = path
        self.data = data
        self.lines = lines
        self._source = text.splitlines()

    def line_of(self, field_path: FieldPath) -> int | None:
        """The line of the deepest part of ``field_path`` that exists in the file."""
        probe = tuple(field_path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), 1)

    def source_line(self, line: int | None) -> str | None:
        if line is None or not 1 <= line <= len(self._source):
            return None
        return self._source[line - 1]

    def issue(self, field_path: FieldPath, message: str, severity: str = "error", code: str = "") -> ContentIssue:
        """Build a located issue for a field of this document."""
        line = self.line_of(field_path)
        return ContentIssue(
            path=self.path,
            line=line,
            field=".".join(str(part) for part in field_path),
            message=message,
            source_line=self.source_line(line),
            severity=severity,
            code=code,
        )


def parse_yaml(path: Path, text: str | None = None) -> LocatedDocument:
    """Parse one YAML file; syntax errors become a :class:`ContentError` with the line."""
    path = Path(path)
    try:
        if text is None:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ContentError(
                    [ContentIssue(path, None, "", f"the file is larger than {MAX_FILE_BYTES:,} bytes; split it")]
                )
            text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError([ContentIssue(path, None, "", f"cannot read file: {exc}")]) from None
    if len(text) > MAX_FILE_BYTES:
        raise ContentError([ContentIssue(path, None, "", f"the file is larger than {MAX_FILE_BYTES:,} bytes; split it")])
    try:
        loader = _BoundedLoader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _check_expansion(loader, node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        source = text.splitlines()
        shown = source[line - 1] if line and line <= len(source) else None
        problem = exc.problem or str(exc)
        raise ContentError([ContentIssue(path, line, "", f"invalid YAML: {problem}", shown, code="yaml")]) from None
    except yaml.YAMLError as exc:
        raise ContentError([ContentIssue(path, None, "", f"invalid YAML: {exc}", code="yaml")]) from None
    if node is None:
        raise ContentError([ContentIssue(path, 1, "", "the file is empty; expected a mapping", code="empty")])
    lines: dict[FieldPath, int] = {}
    dupes: list[str] = []
    try:
        data = _build(_BoundedLoader(""), node, (), lines, dupes)
    except yaml.YAMLError as exc:
        raise ContentError([ContentIssue(path, None, "", f"invalid YAML: {exc}", code="yaml")]) from None
    doc = LocatedDocument(path, data, lines, text)
    if dupes:
        issues = []
        for row in dupes:
            line_text, field, message = row.split("\t")
            line = int(line_text)
            issues.append(ContentIssue(path, line, field, message, doc.source_line(line), code="duplicate_key"))
        raise ContentError(issues)
    return doc


def _describe(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "unknown field (not allowed here)"
    if kind == "missing":
        return "required field is missing"
    return str(error.get("msg", "invalid value"))


def validate_document(doc: LocatedDocument, model: type[M]) -> M:
    """Validate a located document against a pydantic model, locating every error."""
    if not isinstance(doc.data, dict):
        raise ContentError([doc.issue((), f"expected a mapping at the top level, got {type(doc.data).__name__}")])
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        issues = [doc.issue(_error_path(doc.data, error), _describe(error), code=str(error.get("type", "")))
                  for error in exc.errors()]
        raise ContentError(issues) from None


def _error_path(data: Any, error: Any) -> FieldPath:
    path = data_path(data, error["loc"])
    if error.get("type") == "union_tag_invalid":  # point at the discriminator field itself
        path += (str(error.get("ctx", {}).get("discriminator", "")).strip("'"),)
    return path


def data_path(data: Any, loc: tuple[Any, ...]) -> FieldPath:
    """Turn a pydantic error location into a path through the data.

    pydantic inserts union tags (a discriminator value such as ``'streak'``, or
    ``'function-after[...]'``) that are not keys of the file; walking the data tells
    them apart from real keys.
    """
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part not in node and isinstance(part, str):
            if part in {v for v in node.values() if isinstance(v, str)} or "[" in part:
                continue
        path.append(part)
        node = node.get(part) if isinstance(node, dict) else (
            node[part] if isinstance(node, list) and isinstance(part, int) and part < len(node) else None
        )
    return tuple(path)


def load_model(path: Path | str, model: type[M]) -> M:
    """Parse and validate one YAML file; raise :class:`ContentError` with located issues."""
    return validate_document(parse_yaml(Path(path)), model)
