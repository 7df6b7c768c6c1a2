"""docs/ARCHITECTURE.md stays true: its tree names every module of the package, and only those."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "ARCHITECTURE.md"


def _tree_entries():
    """(path, name) of every line of the doc's tree, the path built from the indentation."""
    text = DOC.read_text(encoding="utf-8")
    tree = text.split("## The tree, one line per module", 1)[1].split("```")[1]
    stack, found = [], set()
    for line in tree.splitlines():
        match = re.match(r"^( *)(\S+)", line)
        if not match:
            continue
        depth, name = len(match.group(1)) // 2, match.group(2)
        stack[depth:] = [name.rstrip("/")]
        if name.endswith(".py"):
            found.add("/".join(stack))
    return found


def test_the_tree_names_every_module_and_no_other():
    modules = {str(p.relative_to(REPO)) for p in (REPO / "cnn_explorer").rglob("*.py")
               if p.name != "__init__.py"}
    assert _tree_entries() == modules
