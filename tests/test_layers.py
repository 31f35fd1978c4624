"""No module imports a higher scale (docs/architecture.md)."""

import ast
from pathlib import Path

import magsynapse

ROOT = Path(magsynapse.__file__).parent

#: Rank of each subpackage: a module may import its own package and lower ranks only.
#: The cross-cutting modules (rank 0) import only each other.
RANKS = {
    "body": 1,
    "receptors": 1,
    "slow": 2,
    "synapse": 3,
    "network": 4,
    "chronic": 5,
    "people": 6,
    "claims": 7,
    "study": 8,
    "cli": 9,
}


def _package(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0] if len(rel.parts) > 1 else ""


def _imports(path: Path) -> set[str]:
    """Top-level magsynapse packages or modules imported by ``path``."""
    tree = ast.parse(path.read_text())
    pkg_parts = ("magsynapse", *path.relative_to(ROOT).parts[:-1])
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg_parts[: len(pkg_parts) - node.level + 1]
                target = [*base[1:], *(node.module.split(".") if node.module else [])]
                names = [target[0]] if target else [a.name for a in node.names]
            elif node.module and node.module.startswith("magsynapse"):
                parts = node.module.split(".")[1:]
                names = [parts[0]] if parts else [a.name for a in node.names]
            else:
                continue
            found.update(names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "magsynapse" and len(parts) > 1:
                    found.add(parts[1])
    return found


def test_no_module_imports_a_higher_scale():
    bad = []
    for path in ROOT.rglob("*.py"):
        own = _package(path)
        rank = RANKS.get(own, 0)
        for name in _imports(path):
            if name == own or name == "__version__":
                continue
            other = RANKS.get(name, 0)
            if other > rank or (rank == 0 and other > 0):
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not bad, bad


def test_slow_layer_never_imports_synapse_or_network():
    for path in (ROOT / "slow").rglob("*.py"):
        assert not ({"synapse", "network", "receptors"} & _imports(path)), path
