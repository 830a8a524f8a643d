"""The import layers of docs/layout.md: no module of newsdedup imports a layer above its own.

Layers, lowest first: ``_core`` (with the compiled ``_kernels``) < ``_text`` <
``_near_duplicates`` < ``_stories`` < ``_results`` < ``_index`` < ``_drivers`` < the public
modules. ``_corpora`` (test and benchmark data) imports ``_core`` and ``_text`` only, and only
the drivers and the public modules import it. Every import counts, wherever it is: at the top
of a module, inside a function (a lazy import is still a dependency) or under
``if TYPE_CHECKING:``. The imports that run when a module loads form no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src" / "newsdedup"

#: Each private package (and the compiled kernels, which count as ``_core``) and its layer.
LAYERS = {"_core": 0, "_kernels": 0, "_text": 1, "_near_duplicates": 2, "_stories": 3,
          "_results": 4, "_index": 5, "_drivers": 6}
#: The modules at the top of the package: the public ones, the command line (its ``eval``
#: command runs ``newsdedup.evaluate``) and the messy corpora's scorer (it scores with
#: ``newsdedup.evaluate``). They may import any layer.
PUBLIC = {"__init__", "__main__", "dask", "evaluate", "synthetic", "_cli", "_messy_eval"}
PUBLIC_LAYER = len(LAYERS)
CORPORA = "_corpora"
#: What ``_corpora`` may import, and who may import it.
CORPORA_IMPORTS = {"_core", "_kernels", "_text", CORPORA}
CORPORA_IMPORTERS = {"_drivers", CORPORA}


def module_name(path: Path) -> str:
    """``newsdedup._text.article`` for ``src/newsdedup/_text/article.py``."""
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def unit_of(name: str) -> str:
    """The package of ``newsdedup.<unit>.x`` or the top-level module ``newsdedup.<unit>``;
    ``__init__`` for the top package itself."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def layer_of(unit: str) -> int:
    if unit in LAYERS:
        return LAYERS[unit]
    if unit in PUBLIC:
        return PUBLIC_LAYER
    raise AssertionError(f"newsdedup.{unit} has no layer: add it to docs/layout.md and here")


def imported(name: str, is_package: bool, tree: ast.AST) -> list[tuple[int, str]]:
    """(line, absolute module) of every newsdedup import of the module ``name``."""
    package = name.split(".") if is_package else name.split(".")[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            if node.level > len(package):
                raise AssertionError(f"{name}:{node.lineno}: import beyond the package")
            base = package[:len(package) - node.level + 1]
            if node.module:
                found.append((node.lineno, ".".join([*base, node.module])))
            else:  # from .. import x: x is a module of base, or a name of base's __init__
                found += [(node.lineno, ".".join([*base, alias.name])) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("newsdedup"):
            found.append((node.lineno, str(node.module)))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names
                      if alias.name.split(".")[0] == "newsdedup"]
    return found


def violations(name: str, source: str, is_package: bool = False) -> list[str]:
    """The imports of module ``name`` (given as its ``source``) that break the layer rule."""
    unit = unit_of(name)
    problems = []
    for line, target in imported(name, is_package, ast.parse(source)):
        other = unit_of(target)
        if other not in LAYERS and other != CORPORA and other not in PUBLIC:
            other = "__init__"  # a name defined by the top package, e.g. __version__
        where = f"{name}:{line} imports {target}"
        if other == unit:
            continue
        if unit == CORPORA:
            if other not in CORPORA_IMPORTS:
                problems.append(f"{where}: _corpora imports only _core and _text")
        elif other == CORPORA:
            if unit not in CORPORA_IMPORTERS and unit not in PUBLIC:
                problems.append(f"{where}: only the drivers and the public modules import "
                                "_corpora")
        elif layer_of(other) > layer_of(unit):
            problems.append(f"{where}: {other} is a higher layer than {unit}")
    return problems


def _modules() -> list[Path]:
    return sorted([*SOURCE.rglob("*.py"), *SOURCE.rglob("*.pyi")])


def test_every_module_is_in_a_layer() -> None:
    """A new package or top-level module must be given a layer (here and in docs/layout.md)."""
    units = {unit_of(module_name(path)) for path in _modules()}
    assert units <= set(LAYERS) | PUBLIC | {CORPORA}, sorted(units - set(LAYERS) - PUBLIC)


def test_no_module_imports_a_higher_layer() -> None:
    problems = []
    for path in _modules():
        problems += violations(module_name(path), path.read_text("utf-8"),
                               path.name == "__init__.py")
    assert problems == []


@pytest.mark.parametrize(("name", "source"), [
    ("newsdedup._text.article", "from .._stories.clusters import build_stories"),
    ("newsdedup._text.features", "def f():\n    from .._near_duplicates import lsh\n"),
    ("newsdedup._near_duplicates.links",
     "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .._index.state import X\n"),
    ("newsdedup._index.neighbourhood", "from .._drivers.pipeline import dedup"),
    ("newsdedup._stories.rewrite", "from newsdedup._results.result import Match"),
    ("newsdedup._core.types", "import newsdedup._text.terms"),
    ("newsdedup._results.html_report", "from .. import __version__"),
    ("newsdedup._drivers.pipeline", "from ..evaluate import score_clustering"),
    ("newsdedup._corpora.messy", "from .._results.result import DedupResult"),
    ("newsdedup._near_duplicates.groups", "from .._corpora.synthetic import generate_corpus"),
])
def test_a_violation_is_detected(name: str, source: str) -> None:
    """The check can fail: each of these imports breaks the rule."""
    assert len(violations(name, source)) == 1


@pytest.mark.parametrize(("name", "source"), [
    ("newsdedup._text.features", "from .._core.types import I64\nfrom .terms import x"),
    ("newsdedup._core.hashsort", "from .. import _kernels"),
    ("newsdedup._index.neighbourhood", "from .._results.reduce import dedup_collected"),
    ("newsdedup._drivers.pipeline", "def f():\n    from .._corpora.demo import x\n"),
    ("newsdedup._corpora.demo", "from .._text.article import Article"),
    ("newsdedup.dask", "from ._drivers import dask_steps"),
    ("newsdedup._cli", "from . import __version__\nfrom .evaluate import main_eval"),
])
def test_an_allowed_import_passes(name: str, source: str) -> None:
    assert violations(name, source) == []


def _load_time_imports(name: str, is_package: bool, body: list[ast.stmt]) -> set[str]:
    """The newsdedup modules ``body`` imports when it runs: not in functions, not under
    ``if TYPE_CHECKING:``."""
    found: set[str] = set()
    for node in body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            found |= _load_time_imports(name, is_package, node.orelse)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            found |= {target for _, target in imported(name, is_package, node)}
        elif isinstance(node, ast.If | ast.Try | ast.With | ast.ClassDef):
            for field in ("body", "orelse", "finalbody"):
                found |= _load_time_imports(name, is_package, getattr(node, field, []))
            for handler in getattr(node, "handlers", []):
                found |= _load_time_imports(name, is_package, handler.body)
    return found


def test_load_time_imports_have_no_cycle() -> None:
    modules = {module_name(path): path for path in SOURCE.rglob("*.py")}
    graph = {name: {target for target in _load_time_imports(
                 name, path.name == "__init__.py", ast.parse(path.read_text("utf-8")).body)
                 if target in modules and target != name}
             for name, path in modules.items()}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            raise AssertionError("import cycle: " + " -> ".join([*path[path.index(name):], name]))
        if name not in done:
            for target in sorted(graph[name]):
                visit(target, [*path, name])
            done.add(name)

    for name in sorted(graph):
        visit(name, [])
