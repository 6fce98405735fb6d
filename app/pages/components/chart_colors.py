"""Colours for charts: distinct shades of one colour, for the parts of a whole (a category's subcategories).

Subcategories usually inherit their parent's colour when they are created, so a drilled-down donut drawn
with their own colours is one flat ring. Shades of the parent keep the family visible and each slice
apart. Pure Python, so the rule is tested without a browser.
"""

from __future__ import annotations

import colorsys
import re

FALLBACK = '#94a3b8'
_HEX = re.compile(r'#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})')
DARKEST, LIGHTEST = 0.28, 0.80  # lightness bounds: darker is lost on a dark card, lighter on a white one


def safe_color(color: str | None) -> str:
    """A '#rrggbb' colour, whatever was stored; the fallback grey when it is not one."""
    match = _HEX.fullmatch((color or '').strip())
    if not match:
        return FALLBACK
    digits = match.group(1)
    if len(digits) == 3:
        digits = ''.join(c * 2 for c in digits)
    return f'#{digits.lower()}'


def shades(color: str | None, count: int) -> list[str]:
    """`count` distinct shades of `color`, from darker to lighter, around the colour itself."""
    base = safe_color(color)
    if count <= 1:
        return [base][:count] if count else []
    r, g, b = (int(base[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    low = min(max(DARKEST, lightness - 0.22), lightness)
    high = max(min(LIGHTEST, lightness + 0.25), lightness)
    if high - low < 0.07 * (count - 1):  # too narrow (a very light or dark colour): use the whole range
        low, high = DARKEST, LIGHTEST
    step = (high - low) / (count - 1)
    result = []
    for index in range(count):
        red, green, blue = colorsys.hls_to_rgb(hue, low + step * index, saturation)
        result.append('#' + ''.join(f'{round(v * 255):02x}' for v in (red, green, blue)))
    return result
