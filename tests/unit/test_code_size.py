"""The house size rule, checked on every run of the unit tests: functions under 60 lines outside benchmarks
and tests, modules of at most 400 lines outside tests (and data, which is not Python).

ruff has no rule that counts lines, so this test reads the syntax tree of every module itself. A function
counts from its `def` line to its last line, docstring and comments included: they are read too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_FUNCTION_LINES = 59
MAX_MODULE_LINES = 400
SKIPPED_DIRECTORIES = {".venv", ".cache", "var", "node_modules", "__pycache__", ".git"}


def python_files() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if not SKIPPED_DIRECTORIES.intersection(parts):
            yield path


def first_part(path: Path) -> str:
    return path.relative_to(ROOT).parts[0]


def long_functions(source: str, max_lines: int) -> list[tuple[str, int, int]]:
    """(name, first line, length) of every function or method longer than `max_lines`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > max_lines:
                found.append((node.name, node.lineno, length))
    return found


def test_functions_are_under_60_lines_outside_benchmarks_and_tests() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line} {name} ({length} lines)"
        for path in python_files()
        if first_part(path) not in {"bench", "tests"}
        for name, line, length in long_functions(path.read_text(encoding="utf-8"), MAX_FUNCTION_LINES)
    ]
    assert not offenders, "functions of 60 lines or more:\n" + "\n".join(offenders)


def test_modules_are_at_most_400_lines_outside_tests() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} ({count} lines)"
        for path in python_files()
        if first_part(path) != "tests"
        and (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert not offenders, "modules over 400 lines:\n" + "\n".join(offenders)


@pytest.mark.parametrize(("body_lines", "expected"), [(57, []), (58, [("f", 1, 60)])])
def test_a_function_of_60_lines_is_reported(body_lines: int, expected: list[tuple[str, int, int]]) -> None:
    # def line + docstring + body: 59 lines pass, 60 do not.
    source = 'def f():\n    """Doc."""\n' + "    x = 1\n" * body_lines
    assert long_functions(source, MAX_FUNCTION_LINES) == expected
