"""Trial files: the templates load; bad files get one line naming the field, the value and what is allowed."""
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from osteosim.trials import TrialError, TrialSpec

from trial_helpers import tiny

TEMPLATES = sorted(Path(__file__).resolve().parents[2].joinpath("examples", "trials").glob("*.yaml"))


def test_templates_load():
    names = {p.stem for p in TEMPLATES}
    assert {"fit1_like", "freedom_like", "fpt_like", "frame_like", "whi_like", "msc_vs_standard", "headline"} <= names
    for p in TEMPLATES:
        spec = TrialSpec.from_yaml(p)
        assert spec.control in spec.arms
    head = TrialSpec.from_yaml(next(p for p in TEMPLATES if p.stem == "headline"))
    assert set(head.arms) == {"placebo", "alendronate", "denosumab", "teriparatide", "msc_iv", "msc_plus_denosumab"}
    assert head.population.patients_per_arm == 1000 and head.years == 3


def _mod(d, path, value):
    d = yaml.safe_load(yaml.safe_dump(d, sort_keys=False))
    node = d
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    return d


@pytest.mark.parametrize("path, value, expect", [
    (("yeras",), 3, "unknown key 'yeras'; did you mean 'years'?"),
    (("population", "agee"), [60, 70], "population: unknown key 'agee'; did you mean 'age'?"),
    (("population", "age"), [30, 70], "population.age: [30, 70] is not allowed"),
    (("population", "age"), [80, 70], "low <= high"),
    (("population", "tscore_any"), "low", "population.tscore_any: 'low' is not allowed"),
    (("population", "patients_per_arm"), 0, "population.patients_per_arm: 0 is not allowed"),
    (("population", "prevalent_vertebral_fracture"), 1.5, "population.prevalent_vertebral_fracture: 1.5"),
    (("population", "sex"), "other", "population.sex: 'other' is not allowed"),
    (("control",), "plaecbo", "control: 'plaecbo' is not an arm; allowed: placebo, denosumab"),
    (("arms", "denosumab"), ["denosumb 60 mg every 6 months"], "arms.denosumab"),
    (("arms", "denosumab"), [5], "arms.denosumab: [5] is not allowed"),
    (("visits_months",), [12, 6], "visits_months: [12, 6] is not allowed (months in increasing order"),
    (("visits_months",), [6, 24], "visits_months: 24 is after the end of the trial"),
    (("years",), -1, "years: -1 is not allowed"),
    (("published",), "freedum", "published: 'freedum' is not a published trial"),
    (("population", "fracture_incidence"), "hospital", "population.fracture_incidence: 'hospital' is not allowed"),
    (("population", "fracture_hazard"), "frax", "population.fracture_hazard: 'frax' is not allowed"),
    (("population", "age_mean"), 50, "age_mean: 50 is not allowed (strictly inside age [65.0, 80.0])"),
])
def test_bad_files_one_line(path, value, expect):
    with pytest.raises(TrialError) as err:
        TrialSpec.from_mapping(_mod(tiny(), path, value))
    msg = str(err.value)
    assert "\n" not in msg
    assert expect in msg, msg


def test_yaml_errors(tmp_path):
    p = tmp_path / "t.yaml"
    p.write_text("name: x\nname: y\n")
    with pytest.raises(TrialError, match="duplicate key 'name'"):
        TrialSpec.from_yaml(p)
    with pytest.raises(TrialError, match="is not a file"):
        TrialSpec.from_yaml(tmp_path / "missing.yaml")
    p.write_text("- 1\n- 2\n")
    with pytest.raises(TrialError, match="a trial is a mapping"):
        TrialSpec.from_yaml(p)


def test_digest_ignores_name_but_not_content():
    a = TrialSpec.from_mapping(tiny())
    assert a.digest() == TrialSpec.from_mapping(tiny(name="other")).digest()
    assert a.digest() != TrialSpec.from_mapping(tiny(seed=6)).digest()
    assert a.digest() != a.digest(seed=6)


def test_digest_names_the_fracture_hazard():
    """The hazard is part of what a run computes: strength (the default) and bmd are different trials."""
    a = TrialSpec.from_mapping(tiny())
    assert a.population.fracture_hazard == "strength"
    assert TrialSpec.from_mapping(_mod(tiny(), ("population", "fracture_hazard"), "strength")).digest() == a.digest()
    assert TrialSpec.from_mapping(_mod(tiny(), ("population", "fracture_hazard"), "bmd")).digest() != a.digest()


def test_cli_bad_file_exit_2_nothing_written(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(_mod(tiny(), ("control",), "nobody"), sort_keys=False))
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "osteosim", "trial", str(bad), "--out", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "control: 'nobody' is not an arm" in r.stderr
    assert not out.exists()
