"""The run lane's regimen entry point: one string is one prescription, not a sequence of characters."""
from osteosim.runs.regimens import as_regimen


def test_one_regimen_string_is_one_prescription():
    text = "denosumab 60 mg every 6 months for 3 years"
    one, listed = as_regimen(text), as_regimen([text])
    assert len(one) == len(listed) == 1
    assert one.citation_keys() == listed.citation_keys()
    assert len(as_regimen(None)) == 0
