"""The README's two commands, and CI running the second one word for word."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_command():
    blocks = re.findall(r"```sh\n(.*?)\n```", (ROOT / "README.md").read_text(), re.S)
    assert len(blocks) == 2, "the README gives exactly two commands: install+run, and tests"
    install, tests = blocks
    assert "\n" not in install and "\n" not in tests
    assert install.endswith(".venv/bin/cnn-explorer")
    assert tests.endswith("pytest -q") and '".[test]"' in tests
    assert tests in (ROOT / ".ci" / "run").read_text().splitlines()
