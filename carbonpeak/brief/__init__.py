"""Stage 07/08 of the monthly chain: the 1–N月 barometer brief (晴雨表简报) of one city, and of
the province. Each public function builds a section's view model (plain data, numbers already
formatted, phrases chosen by rule from templates/brief/phrases.yml) and renders it through
the section's Jinja2 template (carbonpeak/templates/brief/sections/). The notebooks
07_brief and 08_province_brief call them one per cell, like the annual report's.

A brief reads the stage-06 files named in the monthly data contract (barometer.csv,
barometer_history.csv, monthly_series.csv, revisions.csv), filtered to its region as they are
read: a city's brief holds its own rows, its counties' and the province aggregate, nothing
of another city; a county's brief its own rows, its city's and the province's.
"""

from carbonpeak.brief.context import BriefContext, load
from carbonpeak.brief.downloads import download_files, downloads
from carbonpeak.brief.figures import figures
from carbonpeak.brief.front import cover, notes, running_header, sectors, title
from carbonpeak.brief.history import history, province_history
from carbonpeak.brief.lights import lights, moves, rest_of_year
from carbonpeak.brief.province import barometer, counties, county_overview
from carbonpeak.brief.revised import revision
from carbonpeak.brief.wording import move, rest_sentence

__all__ = ["BriefContext", "barometer", "counties", "county_overview", "cover", "download_files",
           "downloads", "figures", "history", "lights", "load", "move", "moves", "notes",
           "province_history", "rest_of_year", "rest_sentence", "revision", "running_header",
           "sectors", "title"]
