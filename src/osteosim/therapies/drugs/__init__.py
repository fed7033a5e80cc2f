"""osteosim's own drugs: one module per drug, each exporting ``DRUG`` (:class:`~osteosim.therapies.drug.Drug`).

They are registered through the ``osteosim.drugs`` entry-point group (pyproject.toml), like a
drug from another package; :mod:`osteosim.therapies.registry` also imports every module of
this package directly.  The cell therapy lives in :mod:`osteosim.therapies.msc`.
"""
