"""``osteosim params``: priors beside the values, parameter sets by name, citations still listed."""
from typer.testing import CliRunner

from osteosim.cli.app import app

runner = CliRunner()


def test_params_msc2026_shows_each_prior_and_its_source():
    r = runner.invoke(app, ["params", "MSC2026", "--markdown"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("### Parameter set `MSC2026`") and "### Priors of `MSC2026`" in r.stdout
    row = next(line for line in r.stdout.splitlines() if line.startswith("| `msc_marrow_homing` | 0.0005 | 1 | LogUniform"))
    assert "Eggenhofer 2012" in row
    assert "| `msc_switch_differentiation` | 1 |" in r.stdout  # in the value table, not the priors table
    assert r.stdout.count("| `msc_switch_") == 4  # one per mechanism (therapies.msc.MECHANISMS)


def test_params_table_has_a_prior_column():
    r = runner.invoke(app, ["params", "MSC2026"], env={"COLUMNS": "300"})
    assert r.exit_code == 0
    assert "prior (source)" in r.stdout and "TruncLogNormal" in r.stdout


def test_a_model_without_priors_prints_no_priors_table_and_the_citations_list_covers_msc():
    r = runner.invoke(app, ["params", "Komarova2003", "--markdown"])
    assert r.exit_code == 0 and "Priors of" not in r.stdout
    r = runner.invoke(app, ["params", "Nope"])
    assert r.exit_code == 2 and "or a parameter set: MSC2026, Therapies2026" in r.stderr
    r = runner.invoke(app, ["citations", "--all"])
    assert r.exit_code == 0 and "Zheng" in r.stdout and "Gholamrezanezhad" in r.stdout
