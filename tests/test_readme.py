"""The README documents the tables as they are."""

from __future__ import annotations

from newsflow.schemas import markdown_reference
from tests.conftest import REPO


def test_readme_table_reference_matches_the_schemas():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- schema:start -->\n") + len("<!-- schema:start -->\n")
    end = readme.index("<!-- schema:end -->")
    assert readme[start:end].strip() == markdown_reference().strip(), "run: make readme"


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    assert (REPO / ".ci" / "run").read_text().strip().endswith("make test")
