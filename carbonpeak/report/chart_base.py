"""What every report chart shares: matplotlib figures as SVG (vector: sharp on paper at any
size) with alt text, the palette, the style, the figure and its one draw.

One palette for every chart (the same as report.css). Status is never carried by colour
alone: bars also carry a hatch per status and a text label (绿/黄/红/未评级), so a chart
printed in greyscale still reads. Labels are Chinese in "Noto Sans CJK SC"; a glyph the font
lacks makes matplotlib warn, and the runner fails the region on that warning.

Cheap by design (a report draws about ten of these): plain matplotlib `Figure`s (no pyplot
state), fixed margins in inches instead of `tight_layout` (which draws the figure an extra
time). Text stays text in the SVG, set in the report's CJK font. Every figure is 7.0 in wide,
the A4 text width (178 mm), and is printed at its own size, so 7.5 pt in a chart is 7.5 pt
on paper. Numbers use the true minus sign (U+2212) like the report text.

Matplotlib is imported inside the functions: the report kernels import it once while warming
up, and importing this module stays cheap for everything else.
"""

from __future__ import annotations

import base64
import io

from carbonpeak.status import NOT_RATED, WORDS

FONT = "Noto Sans CJK SC"
COLORS = {"green": "#1a7f37", "yellow": "#b58100", "red": "#c62828", "not_rated": "#9ca3af",
          "actual": "#1f2328", "required": "#57606a", "stretch": "#0969da",
          "highlight": "#1f2328", "neutral": "#8c959f"}
HATCH = {"green": "", "yellow": "///", "red": "xxx", "not_rated": "..."}
STATUS_ZH = WORDS  # grading.yml's status words, read at each use
DPI = 100  # only for on-screen sizing: the SVG is vector
WIDTH = 7.0  # inches: the A4 text width (178 mm)
MIN_FONT_PT = 7.5  # the smallest text in any chart, at print size
FORMAT = "svg"  # or "png" (at PRINT_DPI)
PRINT_DPI = 300
_ready = False


class Chart:
    """A chart image (SVG, or PNG at print resolution) with alt text. `view()` is what a
    report template needs to show it; in a notebook it displays inline."""

    def __init__(self, image: tuple[str, bytes], alt: str, caption: str = "",
                 half: bool = False, width_in: float = WIDTH):
        (self.mime, self.data), self.alt, self.caption, self.half = image, alt, caption, half
        self.width_in = width_in

    @property
    def src(self) -> str:
        return f"data:{self.mime};base64," + base64.b64encode(self.data).decode()

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = (self.data.decode() if self.mime == "image/svg+xml"
                else base64.b64encode(self.data).decode())
        return {self.mime: data, "text/plain": self.alt}, {"alt": self.alt}

    def view(self, cls: str | None = None) -> dict:
        """src, alt, caption, class and the printed width (its own size: fonts stay true)."""
        return {"src": self.src, "alt": self.alt, "caption": self.caption,
                "cls": cls or ("chart half" if self.half else "chart"),
                "width_mm": round(self.width_in * 25.4, 1)}


RC = {
    "font.family": FONT, "font.size": 8, "axes.titlesize": 9, "axes.titleweight": "bold",
    "axes.titlelocation": "left", "axes.titlepad": 4, "axes.labelsize": 7.5,
    "axes.labelcolor": "#57606a", "xtick.labelsize": 7.5, "ytick.labelsize": 7.5,
    "legend.fontsize": 7.5, "legend.frameon": False, "axes.unicode_minus": True,
    "axes.grid": True, "grid.color": "#e5e7eb", "grid.linewidth": 0.6, "axes.axisbelow": True,
    "axes.edgecolor": "#afb8c1", "axes.linewidth": 0.6, "axes.spines.top": False,
    "axes.spines.right": False, "xtick.major.size": 2, "ytick.major.size": 0,
    "xtick.color": "#57606a", "ytick.color": "#1f2328", "hatch.linewidth": 0.6,
    "lines.markersize": 4, "figure.dpi": DPI, "savefig.dpi": DPI, "figure.autolayout": False,
    "figure.facecolor": "white", "axes.facecolor": "white",
    "svg.fonttype": "none", "svg.hashsalt": "carbonpeak",
}


def setup_matplotlib() -> None:
    """Agg backend, the report style (light grid, no top/right spines), the CJK font, the
    true minus sign, text kept as text in the SVG. Plain rcParams: no theme to apply."""
    global _ready
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update(RC)
    _ready = True


def _figure(height: float, width: float = WIDTH):
    """A bare Figure on an Agg canvas (no pyplot: nothing to close, no global registry)."""
    if not _ready:
        setup_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _axes(fig, rows: int = 1, cols: int = 1, grid: str = "both"):
    """Axes with the grid on `grid` ("x", "y" or "both") set at creation: turning a grid off
    afterwards walks every tick again."""
    import matplotlib

    with matplotlib.rc_context({"axes.grid.axis": grid}):
        return fig.subplots(rows, cols, squeeze=False)


def _zero_line(ax) -> None:
    """A horizontal rule at 0 without axhline's autoscale round trip."""
    from matplotlib.lines import Line2D

    ax.add_line(Line2D([0, 1], [0, 0], transform=ax.get_yaxis_transform(), color="#999",
                       linewidth=0.6, zorder=1))


def _frame(fig, left: float, right: float, top: float, bottom: float, **kw) -> None:
    """Fixed margins in inches (instead of tight_layout, which costs a draw)."""
    w, h = fig.get_size_inches()
    fig.subplots_adjust(left=left / w, right=1 - right / w, top=1 - top / h,
                        bottom=bottom / h, **kw)


def _image(fig) -> tuple[str, bytes]:
    """One draw. SVG (vector, no date stamp) or, with FORMAT "png", an RGB PNG at PRINT_DPI:
    WeasyPrint lays out a PNG several times faster than it renders an SVG's text."""
    buf = io.BytesIO()
    if FORMAT == "svg":
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        return "image/svg+xml", buf.getvalue()
    from PIL import Image

    fig.set_dpi(PRINT_DPI)
    canvas = fig.canvas
    canvas.draw()
    w, h = canvas.get_width_height()
    img = Image.frombuffer("RGBA", (w, h), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    img.convert("RGB").save(buf, format="PNG", compress_level=3, dpi=(PRINT_DPI, PRINT_DPI))
    return "image/png", buf.getvalue()


def _num(v, digits: int = 1) -> str:
    """The report's number format (true minus, no '−0.0')."""
    from carbonpeak.report.fmt import num

    return num(v, digits)


def _signed(v, digits: int = 3) -> str:
    from carbonpeak.report.fmt import signed

    return signed(v, digits)


def _status_handles(statuses):
    from matplotlib.patches import Patch

    return [Patch(facecolor=COLORS[s], hatch=HATCH[s], edgecolor="white",
                  label=f"{STATUS_ZH[s]}灯" if s != NOT_RATED else STATUS_ZH[s])
            for s in statuses]


def _locator(n: int = 4):
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(n, steps=[1, 2, 2.5, 5, 10])


def _year_labels(years: list[int]) -> list[str]:
    """2020, 21, 22 … : every year ticked, short labels so six fit a small panel."""
    return [str(y) if i == 0 else f"{y % 100:02d}" for i, y in enumerate(years)]
