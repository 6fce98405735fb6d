"""Draw the installable app's icons (app/static/pwa/icons/) with Pillow: run it again after changing the design.

    .venv/bin/python docs/icons/make_pwa_icons.py

A white receipt with a plus badge on the app's indigo. The maskable icons keep everything inside the central
80 % circle (the safe zone a phone's mask never cuts); the plain ones use a rounded square. Drawn at four
times the size and reduced, for smooth edges. Pillow is needed only here (the PNGs are committed).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

INDIGO = (79, 70, 229, 255)
WHITE = (255, 255, 255, 255)
GREEN = (4, 120, 87, 255)
OUT = Path(__file__).resolve().parents[2] / 'app' / 'static' / 'pwa' / 'icons'
SCALE = 4


def draw(size: int, *, maskable: bool, opaque: bool = False) -> Image.Image:
    big = size * SCALE
    image = Image.new('RGBA', (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable or opaque:
        pen.rectangle((0, 0, big, big), fill=INDIGO)
    else:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=INDIGO)
    # the drawing lives in a box: 56 % of the side for maskable icons (inside the safe circle), 72 % otherwise
    box = big * (0.56 if maskable else 0.72)
    left, top = (big - box * 0.78) / 2, (big - box) / 2
    width, height = box * 0.62, box
    teeth = 6
    tooth = width / teeth
    outline = [(left, top), (left + width, top), (left + width, top + height)]
    for index in range(teeth):  # a torn, zig-zag bottom edge
        x = left + width - index * tooth
        outline += [(x - tooth / 2, top + height - tooth / 2), (x - tooth, top + height)]
    pen.polygon(outline, fill=WHITE)
    line = box * 0.045
    for row in range(4):
        y = top + box * (0.18 + row * 0.15)
        end = left + width * (0.8 if row % 2 == 0 else 0.6)
        pen.rounded_rectangle((left + width * 0.16, y, end, y + line), radius=line / 2, fill=INDIGO)
    radius = box * 0.2
    cx, cy = left + width, top + height * 0.78
    pen.ellipse((cx - radius - line, cy - radius - line, cx + radius + line, cy + radius + line), fill=INDIGO)
    pen.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=GREEN)
    arm, thick = radius * 0.55, line * 1.1
    pen.rounded_rectangle((cx - arm, cy - thick / 2, cx + arm, cy + thick / 2), radius=thick / 2, fill=WHITE)
    pen.rounded_rectangle((cx - thick / 2, cy - arm, cx + thick / 2, cy + arm), radius=thick / 2, fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size, maskable=False).save(OUT / f'icon-{size}.png', optimize=True)
        draw(size, maskable=True).save(OUT / f'icon-maskable-{size}.png', optimize=True)
    # iOS draws its own rounded corners and shows transparency as black: a full, opaque square
    draw(180, maskable=False, opaque=True).convert('RGB').save(OUT / 'apple-touch-icon.png', optimize=True)
    draw(96, maskable=False).save(OUT / 'shortcut-add-96.png', optimize=True)
    print(f'icons written to {OUT}')


if __name__ == '__main__':
    main()
