"""One line of a regimen: :class:`Prescription` (a therapy, its dose and its schedule) and its dose trains."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from . import catalog as cat
from .catalog import THERAPIES, Therapy
from .formatting import fmt_interval, fmt_num, fmt_time

__all__ = ["Prescription"]


@dataclass(frozen=True)
class Prescription:
    """One line of a regimen: a therapy, its dose and its schedule (times in days after the simulation start).

    ``interval_days`` is None for a single dose; ``count`` is None for a therapy without
    ``for`` (open-ended: it runs to the horizon given to :meth:`dosing_blocks`);
    ``duration_days`` is the ``for`` value (0 for a single dose, None when open-ended).
    ``dose`` is in ``dose_unit``, the therapy's canonical unit.  MSC products carry
    ``source``, ``donor``, ``donor_age_years`` (None: autologous, or the product default) and
    ``site`` (intraosseous).  ``text`` is the entry as written (not compared).
    """

    therapy: str
    drug_class: str
    dose: float
    dose_unit: str
    route: str
    interval_days: float | None
    count: int | None
    start_days: float = 0.0
    duration_days: float | None = 0.0
    infusion_days: float = 0.0
    source: str | None = None
    donor: str | None = None
    donor_age_years: float | None = None
    site: str | None = None
    text: str = field(default="", compare=False)

    # -- descriptors --------------------------------------------------------
    @property
    def is_once(self) -> bool:
        return self.interval_days is None

    @property
    def is_open_ended(self) -> bool:
        return self.count is None

    @property
    def is_msc(self) -> bool:
        return self.drug_class == "cell_therapy"

    @property
    def catalog_entry(self) -> Therapy:
        return THERAPIES[self.therapy]

    @property
    def end_days(self) -> float | None:
        """Day the prescription stops (start + duration; a single dose: its time plus infusion); None: open-ended."""
        if self.is_open_ended:
            return None
        if self.is_once:
            return self.start_days + self.infusion_days
        return self.start_days + float(self.duration_days or 0.0)

    @property
    def frequency(self) -> str:
        return "once" if self.is_once else fmt_interval(float(self.interval_days))

    def donor_age(self, patient_age_years: float) -> float | None:
        """Donor age of an MSC product given the patient's age at the dose (None for drugs)."""
        if not self.is_msc:
            return None
        if self.donor == "autologous":
            return float(patient_age_years)
        if self.donor_age_years is not None:
            return float(self.donor_age_years)
        return cat.MSC_DEFAULT_DONOR_AGE[self.source or "bone-marrow"]

    # -- text ------------------------------------------------------------------
    def __str__(self) -> str:
        """The canonical regimen string (parses back to an equal Prescription)."""
        words = [self.therapy]
        if self.is_msc:
            words += [str(self.source), str(self.donor)]
            if self.donor_age_years is not None:
                words += ["donor age", fmt_num(self.donor_age_years)]
        words.append(f"{fmt_num(self.dose)} {self.dose_unit}")
        if self.is_msc or self.route != self.catalog_entry.default_route:
            words.append(self.route)
        if self.is_once:
            words.append("once" if self.start_days == 0 else f"once at {fmt_time(self.start_days)}")
        else:
            words.append(self.frequency)
            if not self.is_open_ended:
                words.append(f"for {fmt_time(float(self.duration_days))}")
            if self.start_days != 0:
                words.append(f"starting at {fmt_time(self.start_days)}")
        if self.site is not None:
            words.append(f"site {self.site}")
        return " ".join(words)

    def to_mapping(self) -> dict[str, Any]:
        """The equivalent mapping form (parses back to an equal Prescription)."""
        out: dict[str, Any] = {"therapy": self.therapy}
        if self.is_msc:
            out["source"] = self.source
            out["donor"] = self.donor
            if self.donor_age_years is not None:
                out["donor_age"] = self.donor_age_years
        out["dose"] = f"{fmt_num(self.dose)} {self.dose_unit}"
        out["route"] = self.route
        if self.is_once:
            out["frequency"] = "once"
            out["at"] = fmt_time(self.start_days)
        else:
            out["every"] = fmt_time(float(self.interval_days))
            if not self.is_open_ended:
                out["for"] = fmt_time(float(self.duration_days))
            out["starting_at"] = fmt_time(self.start_days)
        if self.site is not None:
            out["site"] = self.site
        return out

    # -- doses -----------------------------------------------------------------
    def amount(self, body_weight_kg: float | None = None) -> float:
        """One dose in the absolute canonical unit (cells for ``cells/kg`` doses times the body weight)."""
        if self.dose_unit.endswith("/kg"):
            if body_weight_kg is None:
                raise ValueError(
                    f"{self.therapy}: the dose {fmt_num(self.dose)} {self.dose_unit} needs the patient's body weight "
                    "(body_weight_kg) to become a cell count"
                )
            if not (isinstance(body_weight_kg, (int, float)) and math.isfinite(body_weight_kg) and body_weight_kg > 0):
                raise ValueError(f"body_weight_kg: {body_weight_kg!r} is not allowed (a number > 0)")
            return self.dose * float(body_weight_kg)
        return self.dose

    @property
    def amount_unit(self) -> str:
        """Unit of :meth:`amount` and of the dosing blocks' ``amount``."""
        return self.dose_unit[:-3] if self.dose_unit.endswith("/kg") else self.dose_unit

    def _count_to(self, horizon_days: float | None) -> int:
        """Doses given before the horizon (days after the simulation start)."""
        if self.is_once:
            n = 1
        elif self.count is not None:
            n = self.count
        elif horizon_days is None:
            raise ValueError(
                f"{str(self)!r} runs to the end of the simulation: give horizon_days (days after the start)"
            )
        else:
            n = None
        if horizon_days is None:
            return int(n)  # type: ignore[arg-type]
        if self.start_days >= horizon_days:
            return 0
        if self.is_once:
            return 1
        room = math.ceil((horizon_days - self.start_days) / self.interval_days - 1e-9)
        return max(0, room if n is None else min(n, room))

    def dose_times(self, horizon_days: float | None = None) -> list[float]:
        """Days (after the simulation start) of every dose given before the horizon."""
        n = self._count_to(horizon_days)
        step = self.interval_days or 0.0
        return [self.start_days + k * step for k in range(n)]

    def dosing_blocks(self, t0_days: float = 0.0, horizon_days: float | None = None,
                      body_weight_kg: float | None = None) -> list:
        """The engine's dose trains: ``[DosingBlock(t0 + start, interval, count, amount, duration)]``.

        ``t0_days`` is the model time of the simulation start; ``horizon_days`` the end of the
        simulation in days after its start (required for an open-ended therapy; doses at or
        after it are dropped); ``body_weight_kg`` converts ``cells/kg`` doses to cells.
        Empty when no dose falls before the horizon.
        """
        from .dosing import DosingBlock  # imports jax: only when needed

        n = self._count_to(horizon_days)
        if n <= 0:
            return []
        interval = 1.0 if self.is_once else float(self.interval_days)
        return [DosingBlock(start=float(t0_days) + self.start_days, interval=interval, count=int(n),
                            amount=self.amount(body_weight_kg), duration=self.infusion_days)]
