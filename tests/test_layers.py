"""The layers import one way: ``schemas <- transforms <- lake <- flows <- deploy``.

Read from the source (every ``import`` statement, at module level or inside a
function), so a lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each of the project's packages may import of the project.
ALLOWED = {
    "schemas": {"schemas"},
    "samples": {"samples"},  # the demo's synthetic stories: standalone
    "transforms": {"schemas", "transforms"},
    "lake": {"schemas", "transforms", "lake"},
    "flows": {"schemas", "transforms", "lake", "flows", "samples"},
    "deploy": {"schemas", "transforms", "lake", "flows", "samples", "deploy"},
}
# Third-party packages a layer must not import: transforms is pure (no I/O
# clients, no orchestration), the lake protocol has no Prefect in it.
FORBIDDEN = {
    "transforms": {"prefect", "prefect_dask", "boto3", "botocore", "fsspec", "s3fs", "dask"},
    "lake": {"prefect", "prefect_dask", "dask"},
    "schemas": {"prefect", "boto3", "botocore"},
}


def _imports(path: Path) -> set[str]:
    """The top-level names of every module ``path`` imports."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_run_one_way(package):
    assert _modules(package), f"{package}/ has no modules"
    ours = set(ALLOWED)
    bad = {}
    for path in _modules(package):
        wrong = (_imports(path) & ours) - ALLOWED[package]
        wrong |= _imports(path) & FORBIDDEN.get(package, set())
        if wrong:
            bad[path.relative_to(ROOT).as_posix()] = sorted(wrong)
    assert not bad, bad


def test_the_checker_sees_a_wrong_import(tmp_path):
    # the rule is only as good as the import reader: one wrong import of each kind is seen
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from flows.ingest import ingest\n    import prefect.tasks\n")
    assert _imports(bad) == {"flows", "prefect"}
