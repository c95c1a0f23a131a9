"""Stage 01: the statistics as delivered (CSV/XLSX, Chinese or English headers, any accepted
unit, one file or one per month) read into typed tables in canonical units, one Parquet file
per table in the run's warehouse, with every problem as a finding (file, row, column).

Notebook 01 calls `run_ingest`; later stages read the warehouse through `load_*`.
"""

from carbonpeak.ingest.checks import COUNTY_CHECKS, INGEST_CHECKS, MONTHLY_CHECKS, ingest_check
from carbonpeak.ingest.coverage import check_period
from carbonpeak.ingest.headers import match_header
from carbonpeak.ingest.multifile import read_files
from carbonpeak.ingest.stage import check_ready, run_ingest
from carbonpeak.ingest.table import SOURCE_FILE, SOURCE_ROW, TableResult, read_table
from carbonpeak.ingest.warehouse import (
    build_warehouse,
    load_findings,
    load_headers,
    load_revisions,
    load_table,
    load_versions,
)

__all__ = ["COUNTY_CHECKS", "INGEST_CHECKS", "MONTHLY_CHECKS", "SOURCE_FILE", "SOURCE_ROW", "TableResult",
           "build_warehouse", "check_period", "check_ready", "ingest_check", "load_findings",
           "load_headers", "load_revisions", "load_table", "load_versions", "match_header", "read_files",
           "read_table", "run_ingest"]
