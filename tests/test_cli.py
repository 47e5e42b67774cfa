"""The crossfact command mirrors the Python API."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from service import cli


@pytest.fixture
def runner():
    return CliRunner()


def test_ingest_files_and_folders_then_search_and_check(runner, tmp_path, encoder, nlp):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Blinken met Netanyahu in Jerusalem on Tuesday. 44 Palestinians were killed.")
    (folder / "b.html").write_text("<html><body><p>Antony Blinken held talks with Benjamin Netanyahu in "
                                   "Jerusalem.</p></body></html>")
    (folder / "c.json").write_text(json.dumps([{"text": "The ministry said 50 Palestinians were killed in Gaza.",
                                                "source": "ministry", "published_at": "2024-01-10"}]))
    (folder / "notes.md").write_text("ignored: not an article type")
    (folder / "broken.json").write_text("{not json")
    db = str(tmp_path / "cli.db")

    result = runner.invoke(cli.main, ["ingest", str(folder), "--db", db, "--source", "desk"])
    assert result.exit_code == 0, result.output
    totals = json.loads(result.stdout.strip().splitlines()[-1])
    assert totals["documents"] == 3 and totals["skipped"] == 1 and totals["claims"] >= 4

    again = runner.invoke(cli.main, ["ingest", str(folder / "a.txt"), "--db", db])
    assert json.loads(again.stdout.strip().splitlines()[-1])["duplicates"] == 1

    found = runner.invoke(cli.main, ["search", "Palestinians killed", "--db", db, "--limit", "2"])
    assert found.exit_code == 0 and "killed" in found.output

    checked = runner.invoke(cli.main, ["check", "Blinken met Netanyahu in Jerusalem.", "--db", db])
    assert checked.exit_code == 0 and "Blinken met Netanyahu" in checked.output


def test_compare_prints_the_verdict(runner, encoder, nlp):
    result = runner.invoke(cli.main, ["compare", "Blinken met Netanyahu.", "Blinken met Netanyahu."])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["kind"] == "agreement"


def test_ingest_refuses_unknown_file_types(runner, tmp_path):
    path = tmp_path / "x.pdf"
    path.write_text("x")
    result = runner.invoke(cli.main, ["ingest", str(path), "--db", str(tmp_path / "x.db")])
    assert result.exit_code != 0 and "not a .txt, .html or .json file" in result.output
