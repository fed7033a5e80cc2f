"""osteosim study: a tiny study file through the command (files, table, conclusions), --quick, and one-line
user errors that leave nothing behind."""
import pytest
import yaml

from osteosim.cli.app import main

TINY = {"name": "tiny", "patient": {"age": 65, "sex": "female", "tscore_lumbar_spine": -2.7}, "years": 2,
        "draws": 2, "seed": 5,
        "regimens": {"none": [], "msc_iv": ["msc umbilical-cord allogeneic 1e6 cells/kg iv once"],
                     "aln_1y": ["alendronate 70 mg weekly for 1 year"]}}


def _run(argv):
    try:
        main(argv)
    except SystemExit as exc:
        return exc.code or 0
    return 0


def test_study_command_writes_the_report(tmp_path, capsys):
    f = tmp_path / "tiny.yaml"
    f.write_text(yaml.safe_dump({**TINY, "years": 5}, sort_keys=False))
    assert _run(["study", str(f), "--out", str(tmp_path / "out"), "--quick"]) == 0
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    assert "regimen 3/3: aln_1y (2 draws)" in out.err  # progress on stderr; --quick keeps 2 draws (fewer than 4)
    assert "tiny: 3 years, 2 draws per regimen" in out.out  # --quick: 3 years
    assert "the regimen that prevents the most fractures in this model is aln_1y" in out.out
    assert "references used:" in out.out
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"report.html", "headline.csv", "bmd_strength.png", "fractures_prevented.png", "durability.png"} <= names
    assert "indices.csv" not in names  # no sensitivity asked for


@pytest.mark.parametrize("change, expected", [
    ({"years": 0}, "error: years: 0 is not allowed (a number > 0 and <= 30)"),
    ({"regimens": {"none": [], "x": ["alendronate 70 mg weakly"]}}, "error: regimens.x"),
    ({"reference": "placebo"}, "error: reference: 'placebo' is not a regimen of the study"),
    ({"draws": -3}, "error: draws: -3 is not allowed"),
])
def test_user_errors_are_one_line_and_write_nothing(change, expected, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.yaml").write_text(yaml.safe_dump({**TINY, **change}, sort_keys=False))
    assert _run(["study", "s.yaml", "--out", "o"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(expected) and err.count("\n") == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


def test_missing_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _run(["study", "missing.yaml", "--out", "o"]) == 2
    assert capsys.readouterr().err.startswith("error: file not found: missing.yaml")
    assert list(tmp_path.iterdir()) == []
