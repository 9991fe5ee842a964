"""Feedback report PDFs for a workplace and each of its departments, in Danish and English.

The names below are loaded on first use, so that a worker process that only draws reports
(``socialkapital.reports.render``) does not import the store and the statistics.
"""

from importlib import import_module

_FROM_BUILD = (
    "BatchResult",
    "NoReport",
    "UnknownGroup",
    "batch",
    "department_report",
    "file_name",
    "skip_reason",
    "why_no_report",
    "workplace_report",
)
__all__ = list(_FROM_BUILD)


def __getattr__(name: str):
    if name in _FROM_BUILD:
        return getattr(import_module("socialkapital.reports.build"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
