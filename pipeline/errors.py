"""Named exceptions of the pipeline package, each with a short code.

The library raises these; only ``pipeline.cli`` turns them into messages and
exit codes.  A :class:`DvkUsageError` means the user asked for something that
cannot be done as asked (exit code 2); any other :class:`DvkError` is a
failure of the run itself (exit code 1).  Bad *articles* never raise: they are
recorded in the ``failures`` table and the run goes on.

Codes: E1xx usage errors, E2xx dataset errors.
"""

from __future__ import annotations


class DvkError(Exception):
    """Base class of every error dvk raises on purpose."""

    code = "E000"

    def __str__(self) -> str:
        return f"{super().__str__()} [{self.code}]"


class DvkUsageError(DvkError):
    """The command line asked for something impossible (exit code 2)."""

    code = "E100"


class OutputPathError(DvkUsageError):
    """An output path is of the wrong kind (a file where a folder is needed, or the reverse)."""

    code = "E101"


class NoDatasetError(DvkUsageError):
    """The folder given holds no dvk dataset (no ``dvk.duckdb``)."""

    code = "E102"


class BadOptionError(DvkUsageError):
    """An option value that dvk does not know (a format, a tokenizer)."""

    code = "E103"


class MissingFileError(DvkUsageError):
    """A file named on the command line does not exist."""

    code = "E104"


class DatasetLockedError(DvkError):
    """Another process is writing the dataset (DuckDB allows one writer)."""

    code = "E201"


class SchemaVersionError(DvkError):
    """The dataset was written with another storage schema version."""

    code = "E202"
