"""docs/architecture.md "Where a reply comes from" names the module that composes each reply kind."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KIND = re.compile(r'\bkind="([a-z_]+)"')


def _documented() -> set[tuple[str, str]]:
    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text.split("### Where a reply comes from", 1)[1].split("\n#", 1)[0]
    pairs = set()
    for row in re.findall(r"^\| (`.+) \| `(actions/[\w/]+\.py)` \|$", section, re.M):
        for kind in re.findall(r"`([a-z_]+)`", row[0]):
            pairs.add((kind, row[1]))
    return pairs


def _composed() -> set[tuple[str, str]]:
    return {
        (kind, path.relative_to(ROOT).as_posix())
        for path in (ROOT / "actions").rglob("*.py")
        for kind in KIND.findall(path.read_text())
    }


def test_the_table_names_every_module_that_composes_a_reply_kind() -> None:
    composed, documented = _composed(), _documented()
    assert composed, "no reply kinds found in actions/"
    assert composed - documented == set(), "composed but not in the table"
    assert documented - composed == set(), "in the table but composed nowhere"
