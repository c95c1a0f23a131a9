"""Stage 04: what one region's report says. Each public function builds a section's view
model (plain data: numbers already formatted, statuses, phrases chosen by rule) and renders
it through the section's Jinja2 template (carbonpeak/templates/report/sections/). The report
notebooks (04 for a municipality, 05 for the province) call them one per cell; in JupyterLab
each displays with the report stylesheet.

Sections render from the stage-03 table they need when it exists, and say so in one line when
it does not, so a report never fails for a table that was not produced.
"""

from carbonpeak.report.appendix import methodology, quality_section, verdict_word
from carbonpeak.report.chart_base import COLORS, FONT, Chart, setup_matplotlib
from carbonpeak.report.context import ReportContext, load
from carbonpeak.report.counties import counties
from carbonpeak.report.downloads import download_files, downloads
from carbonpeak.report.enterprises import enterprises
from carbonpeak.report.fmt import value as fmt_value
from carbonpeak.report.front import contents, cover, summary, title
from carbonpeak.report.groups import comparison_chart, drivers, sectors, task_groups
from carbonpeak.report.narrative import (
                                         driver_sentence,
                                         indicator_sentence,
                                         key_messages,
                                         outlook_sentence,
                                         summary_sentences,
)
from carbonpeak.report.next_steps import next_steps
from carbonpeak.report.overview import headline_table
from carbonpeak.report.peak import peak_outlook
from carbonpeak.report.province import barometer, league_tables, status_heatmap, tile_map
from carbonpeak.report.view import HTML

__all__ = [
    "COLORS", "FONT", "HTML", "Chart", "ReportContext", "barometer",
    "comparison_chart", "contents", "counties", "cover", "download_files", "downloads", "driver_sentence",
    "drivers", "enterprises", "fmt_value", "headline_table", "indicator_sentence",
    "key_messages", "league_tables", "load", "methodology", "next_steps", "outlook_sentence",
    "peak_outlook", "quality_section", "sectors", "setup_matplotlib", "status_heatmap",
    "summary", "summary_sentences", "task_groups", "tile_map", "title", "verdict_word",
]
