"""Regenerate docs/screenshots/clinician.png: the clinician's page for the example in docs/model.md section 7."""
from pathlib import Path

from osteosim import Patient, Simulation
from osteosim.report.clinician import plot_clinician

HERE = Path(__file__).resolve().parent
PATIENT = Patient(sex="female", age=65.0, menopause_age=50.0, tscore_lumbar_spine=-2.7, tscore_femoral_neck=-2.2)
REGIMEN = "denosumab 60 mg every 6 months for 10 years"


def build(path: Path = HERE / "screenshots" / "clinician.png") -> Path:
    runs = {"no treatment": Simulation(PATIENT, years=10).solve(),
            REGIMEN: Simulation(PATIENT, regimen=REGIMEN, years=10).solve()}
    plot_clinician(runs, path=path)
    return path


if __name__ == "__main__":
    print(build())
