"""Agreement between two coders: Cohen's kappa on whether a code is present in an interview,
beside the plain percentage agreement (DESIGN §4)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Agreement:
    """The 2 × 2 table of one code over the interviews both coders coded: both present (a),
    only the first (b), only the second (c), both absent (d)."""

    a: int
    b: int
    c: int
    d: int

    @property
    def n(self) -> int:
        return self.a + self.b + self.c + self.d

    @property
    def observed(self) -> float | None:
        return (self.a + self.d) / self.n if self.n else None

    @property
    def expected(self) -> float | None:
        n = self.n
        if not n:
            return None
        first, second = (self.a + self.b) / n, (self.a + self.c) / n
        return first * second + (1 - first) * (1 - second)

    @property
    def kappa(self) -> float | None:
        """None where chance agreement is already perfect (both coders always or never used
        the code): kappa is then undefined, and the percentage agreement says it all."""
        observed, expected = self.observed, self.expected
        if observed is None or expected is None or expected >= 1:
            return None
        return (observed - expected) / (1 - expected)


def agreement(first: set[int], second: set[int], interviews: set[int]) -> Agreement:
    """The table of one code from the interviews in which each coder applied it."""
    a = len(first & second & interviews)
    b = len((first - second) & interviews)
    c = len((second - first) & interviews)
    return Agreement(a, b, c, len(interviews) - a - b - c)


def pooled_kappa(tables: list[Agreement]) -> float | None:
    """Kappa over several codes at once (De Vries et al., 2008): the mean observed and the
    mean expected agreement of the codes, combined as one kappa."""
    usable = [t for t in tables if t.n]
    if not usable:
        return None
    observed = sum(t.observed or 0 for t in usable) / len(usable)
    expected = sum(t.expected or 0 for t in usable) / len(usable)
    return None if expected >= 1 else (observed - expected) / (1 - expected)
