"""Server-rendered SVG charts for the assistance reports (no script; a table is always beside them).

Charts are plain data in, markup out: bars per category (month or district), optionally one
reference line (the allocation). Labels are passed in already translated by the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
BAR_AREA_HEIGHT = 220
PALETTE = ("#1d5fa8", "#b3541e", "#2f7d32", "#6a3d9a", "#8c6d1f")  # contrast >= 4.5:1 on white


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[int, ...]  # one per category, in the chart's unit (people, tenge ...)


def _nice_max(value: int) -> int:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _fmt(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def bar_chart(
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    reference: tuple[str, int] | None = None,
) -> Markup:
    """Grouped vertical bars with a value axis; an optional horizontal reference line (label, value)."""
    left, top, bottom = 70, 30, 50
    n_cat = max(len(categories), 1)
    n_ser = max(len(series), 1)
    plot_w = WIDTH - left - 20
    top_value = max([v for s in series for v in s.values] + [reference[1] if reference else 0] + [0])
    scale_max = _nice_max(top_value)
    height = top + BAR_AREA_HEIGHT + bottom + 20 * n_ser
    group_w = plot_w / n_cat
    bar_w = max(2.0, group_w * 0.8 / n_ser)

    def y(v: int) -> float:
        return top + BAR_AREA_HEIGHT - BAR_AREA_HEIGHT * v / scale_max

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="{escape(chart_id)}-title" class="chart">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    for k in range(5):
        v = scale_max * k // 4
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            'stroke="#ccc" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="11" fill="#222">'
            f"{_fmt(v)}</text>"
        )
    for i, cat in enumerate(categories):
        x0 = left + i * group_w + group_w * 0.1
        for j, s in enumerate(series):
            v = s.values[i] if i < len(s.values) else 0
            out.append(
                f'<rect x="{x0 + j * bar_w:.1f}" y="{y(v):.1f}" width="{bar_w - 1:.1f}" '
                f'height="{top + BAR_AREA_HEIGHT - y(v):.1f}" fill="{PALETTE[j % len(PALETTE)]}">'
                f"<title>{escape(cat)}, {escape(s.label)}: {_fmt(v)}</title></rect>"
            )
        out.append(
            f'<text x="{left + i * group_w + group_w / 2:.1f}" y="{top + BAR_AREA_HEIGHT + 16}" '
            f'text-anchor="middle" font-size="11" fill="#222">{escape(cat)}</text>'
        )
    if reference:
        label, v = reference
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#b00020" '
            f'stroke-width="2" stroke-dasharray="6 4"/>'
            f'<text x="{left + plot_w}" y="{y(v) - 6:.1f}" text-anchor="end" font-size="12" fill="#b00020">'
            f"{escape(label)}: {_fmt(v)}</text>"
        )
    legend_y = top + BAR_AREA_HEIGHT + 36
    for j, s in enumerate(series):
        ly = legend_y + 20 * j
        out.append(
            f'<rect x="{left}" y="{ly - 10}" width="12" height="12" fill="{PALETTE[j % len(PALETTE)]}"/>'
            f'<text x="{left + 18}" y="{ly}" font-size="12" fill="#222">{escape(s.label)}</text>'
        )
    out.append("</svg>")
    # every text in it went through escape() above
    return Markup("".join(out))  # noqa: S704
