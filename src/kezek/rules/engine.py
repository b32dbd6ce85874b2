"""The small engine: variables, dated formulas, one calculation over columns, and the trace.

Every formula is written once, on numpy arrays (one row per family). The batch mode runs it over
hundreds of thousands of rows; the single-case mode runs the very same function over arrays of
length one with a :class:`Trace` switched on, which records every variable computed, the parameters
read (value, start date, legal reference, the jurisdiction that supplied it) and the formula that
decided (with its ``since``/``until`` dates). There is no second implementation to drift.

Formulas are registered with explicit dates::

    @formula("refusals", since=date(2025, 5, 24), reference="ref.national.registration")
    def national_refusals(c: Calc) -> np.ndarray: ...

and :meth:`Calc.var` picks the one in force on the calculation's as-of date (one date per run).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from kezek.rules.errors import CaseDataError, MissingParameterError, NoFormulaError, RulesError
from kezek.rules.params import ParameterStore, ParamValue, default_store

Array = npt.NDArray[Any]
FormulaFunc = Callable[["Calc"], Array]

# kinds tell the renderer how to show a value: money (tiyn), date (day number), bool, count, code,
# reasons (bitmask of reason codes), ratio (bp), area (dm2), quantity (milli-units), money_lines
KINDS = {"money", "date", "bool", "count", "code", "reasons", "ratio", "area", "quantity", "money_lines"}


@dataclass(frozen=True)
class Formula:
    variable: str
    since: date
    until: date | None
    func: FormulaFunc
    reference: str  # message-catalog key of the legal reference (rendered in kk/ru/en)

    def in_force(self, on: date) -> bool:
        return self.since <= on and (self.until is None or on <= self.until)


@dataclass
class Variable:
    name: str
    kind: str
    formulas: list[Formula] = field(default_factory=list)
    is_input: bool = False
    codes: tuple[str, ...] = ()  # for kind "code": value i means codes[i]

    def formula_on(self, on: date) -> Formula:
        for f in self.formulas:
            if f.in_force(on):
                return f
        raise NoFormulaError(self.name, on)


VARIABLES: dict[str, Variable] = {}


def input_variable(name: str, kind: str, codes: tuple[str, ...] = ()) -> None:
    """Declare a base column (filled from the case data by the feature extraction)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    VARIABLES[name] = Variable(name=name, kind=kind, is_input=True, codes=codes)


def formula(
    variable: str,
    *,
    since: date,
    until: date | None = None,
    kind: str,
    reference: str,
    codes: tuple[str, ...] = (),
) -> Callable[[FormulaFunc], FormulaFunc]:
    """Register `func` as the formula of `variable` in force from `since` to `until` (inclusive)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")

    def register(func: FormulaFunc) -> FormulaFunc:
        var = VARIABLES.setdefault(variable, Variable(name=variable, kind=kind, codes=codes))
        if var.is_input or var.kind != kind:
            raise ValueError(f"variable {variable!r} is declared twice with different kinds")
        new = Formula(variable, since, until, func, reference)
        for other in var.formulas:
            if other.in_force(since) or new.in_force(other.since):
                raise ValueError(f"formulas of {variable!r} overlap in time")
        var.formulas.append(new)
        var.formulas.sort(key=lambda f: f.since)
        return func

    return register


@dataclass
class Step:
    """One line of a trace."""

    kind: str  # "variable" | "parameter" | "evidence"
    name: str
    value: Any
    depth: int
    var_kind: str = ""
    formula_since: date | None = None
    formula_until: date | None = None
    reference: str = ""  # catalog key (variables) or the act's own text (parameters)
    param: ParamValue | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Trace:
    steps: list[Step] = field(default_factory=list)

    def variables(self) -> dict[str, Any]:
        return {s.name: s.value for s in self.steps if s.kind == "variable"}

    def parameters(self) -> list[ParamValue]:
        seen: dict[tuple[str, str | None], ParamValue] = {}
        for s in self.steps:
            if s.kind == "parameter" and s.param is not None:
                seen.setdefault((s.param.name, s.param.kato), s.param)
        return list(seen.values())


def _scalar(value: Array) -> Any:
    item = value[0]
    if isinstance(item, np.ndarray):
        return [v.item() if hasattr(v, "item") else v for v in item]
    return item.item() if hasattr(item, "item") else item


class Calc:
    """One calculation: N rows of base columns, one as-of date, one KATO per row.

    ``trace=True`` needs N == 1 and records a :class:`Trace` of everything computed.
    """

    def __init__(
        self,
        columns: Mapping[str, Array],
        *,
        as_of: date,
        kato: Array | str,
        params: ParameterStore | None = None,
        trace: bool = False,
    ) -> None:
        self.as_of = as_of
        self.params = params or default_store()
        self._values: dict[str, Array] = {}
        lengths = {len(v) for v in columns.values()}
        if isinstance(kato, str):
            n = lengths.pop() if len(lengths) == 1 else 1
            self.kato = np.full(n, int(kato), dtype=np.int64)
        else:
            self.kato = np.asarray(kato, dtype=np.int64)
        self.n = len(self.kato)
        for name, col in columns.items():
            arr = np.asarray(col)
            if len(arr) != self.n:
                raise CaseDataError(name, f"has {len(arr)} rows, expected {self.n}")
            self._values[name] = arr
        self.trace: Trace | None = Trace() if trace else None
        if trace and self.n != 1:
            raise RulesError("a traced calculation has exactly one row")
        self._depth = 0
        self._unique: tuple[Array, Array] | None = None
        self._stack: list[str] = []

    # -- variables ---------------------------------------------------------------------------
    def var(self, name: str) -> Array:
        if name in self._values:
            if self.trace is not None and name not in self._recorded:
                self._record_input(name)
            return self._values[name]
        try:
            variable = VARIABLES[name]
        except KeyError:
            raise RulesError(f"unknown variable {name!r}") from None
        if variable.is_input:
            raise CaseDataError(name, "is required by the rules but missing from the case data")
        f = variable.formula_on(self.as_of)
        self._stack.append(name)
        self._depth += 1
        start = len(self.trace.steps) if self.trace is not None else 0
        try:
            value = np.asarray(f.func(self))
        finally:
            self._depth -= 1
            self._stack.pop()
        if value.shape[:1] != (self.n,):
            value = np.broadcast_to(value, (self.n, *value.shape[1:])).copy()
        self._values[name] = value
        if self.trace is not None:
            self.trace.steps.insert(
                start,
                Step(
                    kind="variable",
                    name=name,
                    value=_scalar(value),
                    depth=self._depth,
                    var_kind=variable.kind,
                    formula_since=f.since,
                    formula_until=f.until,
                    reference=f.reference,
                ),
            )
        return value

    __call__ = var

    @property
    def _recorded(self) -> set[str]:
        assert self.trace is not None
        return {s.name for s in self.trace.steps if s.kind == "variable"}

    def _record_input(self, name: str) -> None:
        assert self.trace is not None
        v = VARIABLES.get(name)
        self.trace.steps.append(
            Step(
                kind="variable",
                name=name,
                value=_scalar(self._values[name]),
                depth=self._depth,
                var_kind=v.kind if v else "count",
                reference="ref.input",
            )
        )

    def evidence(self, key: str, **detail: Any) -> None:
        """Record a fact from the case data behind a value (single case only)."""
        if self.trace is not None:
            self.trace.steps.append(Step("evidence", key, None, self._depth, detail=detail))

    # -- parameters --------------------------------------------------------------------------
    def _kato_unique(self) -> tuple[Array, Array]:
        if self._unique is None:
            uniq, inverse = np.unique(self.kato, return_inverse=True)
            self._unique = (uniq, inverse)
        return self._unique

    def param(self, name: str, rows: Array | None = None) -> Any:
        """The value of a parameter on the as-of date, per row's jurisdiction.

        Returns a scalar when the parameter has no jurisdiction overrides (or the calculation has
        one jurisdiction), else an int64 array. With `rows` (a boolean mask), only the jurisdictions
        of those rows are looked up; other rows get 0. A missing value raises
        MissingParameterError naming the formula that asked.
        """
        asked_by = self._stack[-1] if self._stack else "case data"
        store = self.params
        if not store.has_overrides(name):
            if rows is not None and not np.any(rows):
                return 0
            pv = store.get(name, self.as_of, None, asked_by=asked_by)
            self._record_param(pv)
            return pv.value
        uniq, inverse = self._kato_unique()
        if rows is not None:
            wanted = np.zeros(len(uniq), dtype=bool)
            wanted[inverse[np.asarray(rows, dtype=bool)]] = True
        else:
            wanted = np.ones(len(uniq), dtype=bool)
        values = np.zeros(len(uniq), dtype=np.int64)
        for i, code in enumerate(uniq):
            if not wanted[i]:
                continue
            kato = f"{int(code):09d}"
            try:
                pv = store.get(name, self.as_of, kato, asked_by=asked_by)
            except MissingParameterError:
                raise
            self._record_param(pv)
            values[i] = int(pv.value)
        if len(uniq) == 1 and rows is None:
            return int(values[0])
        return values[inverse]

    def _record_param(self, pv: ParamValue) -> None:
        if self.trace is not None:
            self.trace.steps.append(Step("parameter", pv.name, pv.raw, self._depth, param=pv))

    # -- helpers -----------------------------------------------------------------------------
    def output(self, name: str) -> Any:
        """The value of a variable for a single-row calculation, as a Python value."""
        return _scalar(self.var(name))
