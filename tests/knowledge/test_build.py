"""The knowledge store builds, idempotently, into SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from knowledge import models as m
from knowledge.build import build, built_fingerprint, main
from knowledge.db import CONTENT_DIR, make_engine
from knowledge.repository import KnowledgeRepository


def snapshot(engine: Engine) -> Dict[str, List[Tuple]]:
    """Every row of every table, as sorted tuples: equal snapshots mean equal content."""
    out = {}
    with Session(engine) as session:
        for table in m.Base.metadata.sorted_tables:
            rows = session.execute(select(table)).all()
            out[table.name] = sorted(tuple(str(v) for k, v in row._mapping.items() if k != "id") for row in rows)
    return out


def test_builds_into_sqlite_with_every_kind(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'k.db'}")
    counts = build(engine, CONTENT_DIR)
    assert counts["body_areas"] == 15
    assert counts["exercises"] >= 20
    assert counts["routines"] == 3
    assert counts["tools"] == 11  # the ten tool types plus the home-made double ball
    assert all(n > 0 for n in counts.values()), counts
    assert built_fingerprint(engine) is not None


def test_building_twice_gives_the_same_content(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'k.db'}")
    build(engine, CONTENT_DIR)
    first = snapshot(engine)
    build(engine, CONTENT_DIR, force=True)
    assert snapshot(engine) == first
    build(engine, CONTENT_DIR)  # unchanged content: skipped, still identical
    assert snapshot(engine) == first


def test_cli_builds_the_database_named_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["--database-url", url]) == 0
    assert "knowledge DB ready" in capsys.readouterr().out
    assert KnowledgeRepository(make_engine(url)).body_area("neck") is not None


@pytest.mark.services
def test_builds_into_postgresql_with_the_same_content(postgres_engine: Engine, tmp_path: Path) -> None:
    sqlite = make_engine(f"sqlite:///{tmp_path / 'k.db'}")
    build(sqlite, CONTENT_DIR)
    build(postgres_engine, CONTENT_DIR)
    build(postgres_engine, CONTENT_DIR, force=True)
    assert snapshot(postgres_engine) == snapshot(sqlite)
    repo = KnowledgeRepository(postgres_engine)
    steps = repo.exercises_for_area("lower_back")[0].steps
    assert steps == KnowledgeRepository(sqlite).exercises_for_area("lower_back")[0].steps
