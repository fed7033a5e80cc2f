"""The references of the sensitivity methods (registered on import; light: ``osteosim citations`` reads them)."""
from __future__ import annotations

from .. import citations

__all__ = ["METHOD_CITATIONS"]

citations.register("Saltelli2010", authors="Saltelli A, Annoni P, Azzini I, Campolongo F, Ratto M, Tarantola S",
                   title="Variance based sensitivity analysis of model output. Design and estimator for the total "
                         "sensitivity index", journal="Comput Phys Commun", year=2010, volume="181", issue="2",
                   pages="259-270", doi="10.1016/j.cpc.2009.09.018",
                   note="the Sobol first- and total-order estimators SALib implements")
citations.register("Morris1991", authors="Morris MD", title="Factorial sampling plans for preliminary computational "
                   "experiments", journal="Technometrics", year=1991, volume="33", issue="2", pages="161-174",
                   doi="10.1080/00401706.1991.10484804", note="elementary effects (Morris screening)")
citations.register("Campolongo2007", authors="Campolongo F, Cariboni J, Saltelli A",
                   title="An effective screening design for sensitivity analysis of large models",
                   journal="Environ Model Softw", year=2007, volume="22", issue="10", pages="1509-1518",
                   doi="10.1016/j.envsoft.2006.10.004", note="mu_star, the mean absolute elementary effect")
citations.register("Herman2017", authors="Herman J, Usher W", title="SALib: An open-source Python library for "
                   "Sensitivity Analysis", journal="J Open Source Softw", year=2017, volume="2", issue="9",
                   pages="97", doi="10.21105/joss.00097", note="the sampling and analysis library")

#: the references each method's run cites
METHOD_CITATIONS = {"sobol": ("Saltelli2010", "Herman2017"), "morris": ("Morris1991", "Campolongo2007", "Herman2017")}
