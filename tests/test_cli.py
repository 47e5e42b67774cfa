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


def test_stories_lists_and_shows_one(runner, tmp_path, encoder, nlp):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps([
        {"text": "A magnitude 7.4 earthquake struck Hualien County in Taiwan. Nine people were killed.",
         "source": "wire", "published_at": "2024-04-03"},
        {"text": "Taiwan's strongest earthquake in 25 years hit Hualien. Nine people died in Hualien County.",
         "source": "daily", "published_at": "2024-04-04"},
    ]))
    db = str(tmp_path / "cli.db")
    assert runner.invoke(cli.main, ["ingest", str(folder), "--db", db]).exit_code == 0
    listed = runner.invoke(cli.main, ["stories", "--db", db, "--min-documents", "2"])
    assert listed.exit_code == 0, listed.output
    (line,) = listed.stdout.strip().splitlines()
    story_id, days, count = line.split("\t")[:3]
    assert story_id.startswith("sty_") and days == "2024-04-03..2024-04-04" and count == "2 documents"
    shown = runner.invoke(cli.main, ["stories", story_id, "--db", db])
    assert shown.exit_code == 0 and len(json.loads(shown.stdout)["documents"]) == 2
    missing = runner.invoke(cli.main, ["stories", "sty_nope", "--db", db])
    assert missing.exit_code != 0 and "no story" in missing.output


def test_reanalyze_replays_the_corpus(runner, tmp_path, encoder, nlp):
    article = tmp_path / "a.json"
    article.write_text(json.dumps([
        {"text": "Nine people were killed in Hualien County.", "source": "wire", "published_at": "2024-04-03"},
        {"text": "Nine people died in Hualien County, officials said.", "source": "daily",
         "published_at": "2024-04-03"},
    ]))
    db = str(tmp_path / "cli.db")
    assert runner.invoke(cli.main, ["ingest", str(article), "--db", db]).exit_code == 0
    result = runner.invoke(cli.main, ["reanalyze", "--db", db, "--batch", "1"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"documents": 2}
