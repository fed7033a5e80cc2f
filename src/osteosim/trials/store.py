"""Where a trial run keeps its results: Parquet parts and a DuckDB catalog of completed chunks.

Layout of ``OUT``::

    catalog.duckdb         run identity (trial digest, patients, block) and one row per completed chunk
    parts/visits-<start>.parquet   one row per patient, arm and visit (the chunk's patients)
    parts/events-<start>.parquet   one row per patient and arm (fracture and death times)
    parts/visit_draws-<start>.parquet, parts/event_draws-<start>.parquet
                           with parameter draws (trials/uncertainty.py): the endpoint columns per draw

Their columns are declared in :mod:`osteosim.outcomes.columns` (tables ``visits``, ``events``,
``visit_draws`` and ``event_draws``);
a part with an undeclared column is refused before it is written.

A chunk is recorded only after all of its parts are on disk (each written to a temporary
name and renamed); the run reads only recorded chunks.  So a run killed at any moment leaves
either a recorded chunk with both files, or an unrecorded chunk whose files (if any) are
rewritten with the same content: a resumed run neither loses nor duplicates a patient.
Only the driving process opens the catalog (DuckDB allows one writer).
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..outcomes.columns import check_table

__all__ = ["TrialStore", "StoreMismatch", "DRAW_TABLES"]

#: the parameter-draw tables a chunk may carry (osteosim.outcomes.columns)
DRAW_TABLES = ("visit_draws", "event_draws")


class StoreMismatch(ValueError):
    """The output folder holds a run of another trial (or another population size or block)."""


class TrialStore:
    def __init__(self, out_dir: str | os.PathLike):
        import duckdb

        self.root = Path(out_dir)
        self.parts = self.root / "parts"
        self.parts.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(self.root / "catalog.duckdb"))
        # one thread: parallel aggregation sums in a varying order (last-bit differences); the
        # same seed must give the same summary
        self.con.execute("SET threads = 1")
        # sorting millions of rows for patients.parquet spills to disk instead of growing the process
        self.con.execute("SET memory_limit = '1GB'")
        self.con.execute(f"SET temp_directory = '{(self.root / 'tmp').as_posix()}'")
        self.con.execute("CREATE TABLE IF NOT EXISTS run (key VARCHAR PRIMARY KEY, value VARCHAR)")
        self.con.execute("CREATE TABLE IF NOT EXISTS chunks (start BIGINT PRIMARY KEY, stop BIGINT, "
                         "visits VARCHAR, events VARCHAR, completed_at TIMESTAMP DEFAULT current_timestamp)")

    def close(self) -> None:
        self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- identity ------------------------------------------------------------------------------
    def bind(self, identity: dict[str, str]) -> None:
        """Record the run identity, or check that it matches the one already recorded."""
        have = dict(self.con.execute("SELECT key, value FROM run").fetchall())
        if not have:
            self.con.executemany("INSERT INTO run VALUES (?, ?)", [(k, str(v)) for k, v in identity.items()])
            return
        for k, v in identity.items():
            if have.get(k) != str(v):
                raise StoreMismatch(f"--out: {self.root} holds a run with another {k} ({have.get(k)} vs {v}); "
                                    "use another --out folder (or delete this one) to start a new trial")

    # -- chunks --------------------------------------------------------------------------------
    def done(self) -> list[tuple[int, int]]:
        return [tuple(r) for r in self.con.execute("SELECT start, stop FROM chunks ORDER BY start").fetchall()]

    def done_patients(self) -> int:
        return int(self.con.execute("SELECT coalesce(sum(stop - start), 0) FROM chunks").fetchone()[0])

    def pending(self, n: int, chunk_size: int) -> list[tuple[int, int]]:
        """Ranges not yet recorded, cut into chunks of ``chunk_size`` (aligned to multiples of it)."""
        covered = self.done()
        out, start = [], 0
        for a, b in covered + [(n, n)]:
            s = start
            while s < a:
                e = min((s // chunk_size + 1) * chunk_size, a)
                out.append((s, e))
                s = e
            start = max(start, b)
        return out

    def record(self, start: int, stop: int, visits: pd.DataFrame, events: pd.DataFrame,
               draws: dict[str, pd.DataFrame] | None = None) -> None:
        """Write a chunk's parts (atomically) and then record it; ``draws``: the parameter-draw tables
        (``visit_draws``, ``event_draws``), written before the chunk is recorded like the others."""
        names = []
        for kind, df in (("visits", visits), ("events", events), *sorted((draws or {}).items())):
            if kind not in DRAW_TABLES + ("visits", "events"):
                raise ValueError(f"draws: table {kind!r} is not allowed; allowed: {', '.join(DRAW_TABLES)}")
            check_table(df.columns, kind)  # every column of the trial's Parquet files is declared
            path = self._part(kind, start)
            tmp = path.with_name(path.name + f".tmp{os.getpid()}")
            df.to_parquet(tmp, index=False)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, path)
            names.append(path.name)
        self.con.execute("INSERT OR REPLACE INTO chunks (start, stop, visits, events) VALUES (?, ?, ?, ?)",
                         [start, stop, names[0], names[1]])
        self.con.execute("CHECKPOINT")

    def _part(self, kind: str, start: int) -> Path:
        return self.parts / f"{kind}-{start:010d}.parquet"

    def files(self, kind: str) -> list[str]:
        """The recorded parts of ``kind`` (visits | events | a draw table: [] when the run drew no parameters)."""
        if kind in DRAW_TABLES:  # named by the chunk's start (a run without draws has none)
            starts = [r[0] for r in self.con.execute("SELECT start FROM chunks ORDER BY start").fetchall()]
            return [str(p) for p in (self._part(kind, a) for a in starts) if p.exists()]
        col = "visits" if kind == "visits" else "events"
        return [str(self.parts / r[0]) for r in self.con.execute(f"SELECT {col} FROM chunks ORDER BY start").fetchall()]

    def query(self, sql: str, kind: str) -> pd.DataFrame:
        """Run ``sql`` with ``{parts}`` standing for the recorded parts of ``kind`` (visits | events)."""
        files = self.files(kind)
        src = "read_parquet([" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "])"
        return self.con.execute(sql.replace("{parts}", src)).df()

    def export(self, kind: str, path: Path, order: str) -> None:
        """All recorded parts of ``kind`` as one Parquet file at ``path`` (written, then renamed)."""
        files = self.files(kind)
        src = "read_parquet([" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "])"
        tmp = path.with_name(path.name + f".tmp{os.getpid()}")
        self.con.execute(f"COPY (SELECT * FROM {src} ORDER BY {order}) TO '{tmp}' (FORMAT PARQUET)")
        os.replace(tmp, path)
