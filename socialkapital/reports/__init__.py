"""Feedback report PDFs for a workplace and each of its departments, in Danish and English."""

from socialkapital.reports.build import (
    BatchResult,
    NoReport,
    UnknownGroup,
    batch,
    department_report,
    file_name,
    skip_reason,
    workplace_report,
)

__all__ = [
    "BatchResult",
    "NoReport",
    "UnknownGroup",
    "batch",
    "department_report",
    "file_name",
    "skip_reason",
    "workplace_report",
]
