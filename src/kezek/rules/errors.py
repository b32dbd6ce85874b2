"""Errors of the rules package.

kezek.rules imports nothing else of Kezek, so it has its own small hierarchy; the service layer maps
these onto KezekError (a missing parameter is a configuration fault, bad case data is a 422).
"""

from __future__ import annotations

from datetime import date


class RulesError(Exception):
    """Base of every error raised by kezek.rules."""

    code = "rules_error"


class MissingParameterError(RulesError):
    """A parameter has no value on the date asked, in the jurisdiction asked or above it."""

    code = "missing_parameter"

    def __init__(self, parameter: str, on: date, kato: str | None, asked_by: str) -> None:
        self.parameter = parameter
        self.on = on
        self.kato = kato
        self.asked_by = asked_by
        where = f"jurisdiction {kato} (nor any level above it)" if kato else "the national level"
        super().__init__(
            f"parameter {parameter!r} has no value on {on.isoformat()} for {where}; asked by {asked_by}"
        )


class UnknownParameterError(RulesError):
    code = "unknown_parameter"


class NoFormulaError(RulesError):
    """No formula of a variable is in force on the date asked."""

    code = "no_formula"

    def __init__(self, variable: str, on: date) -> None:
        self.variable = variable
        self.on = on
        super().__init__(f"no formula for {variable!r} is in force on {on.isoformat()}")


class CaseDataError(RulesError):
    """The case data is malformed; the message names the field and what was wrong."""

    code = "case_data_invalid"

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class ParameterFileError(RulesError):
    code = "parameter_file_invalid"
