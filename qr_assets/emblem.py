"""The union emblem roundel, drawn to the proportions 附件4 gives in units of A:

- a red disc of diameter 20A, its gold outer ring line 0.3A wide;
- the strokes of "中" and "工" 1.4A wide;
- 1.25A between "工" and "中" and between "中" and the outer ring;
- 1.5A between the upper and lower half-discs of "工".

This is a geometric rendering of those proportions, not the official artwork: place the official
file at qr_assets/emblem.png and the signs use it instead."""

from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas

from qr_assets import OFFICIAL_EMBLEM, UNION_GOLD, UNION_RED


def draw_emblem(c: Canvas, cx: float, cy: float, diameter: float) -> None:
    if OFFICIAL_EMBLEM.exists():
        c.drawImage(str(OFFICIAL_EMBLEM), cx - diameter / 2, cy - diameter / 2, diameter, diameter, mask="auto")
        return
    a = diameter / 20
    c.saveState()
    c.setFillColor(UNION_RED)
    c.circle(cx, cy, 10 * a, stroke=0, fill=1)
    c.setStrokeColor(UNION_GOLD)
    c.setFillColor(UNION_GOLD)
    ring_r = 10 * a - 0.15 * a - 0.4 * a  # the ring line sits just inside the disc's edge
    c.setLineWidth(0.3 * a)
    c.circle(cx, cy, ring_r, stroke=1, fill=0)
    # "中": its box drawn as a ring, 1.25A inside the outer ring, and its vertical stroke.
    zhong_outer = ring_r - 0.15 * a - 1.25 * a
    box_r = zhong_outer * 0.62
    c.setLineWidth(1.4 * a)
    c.circle(cx, cy, box_r - 0.7 * a, stroke=1, fill=0)
    c.rect(cx - 0.7 * a, cy - zhong_outer, 1.4 * a, 2 * zhong_outer, stroke=0, fill=1)
    # "工": upper and lower half-discs 1.25A inside the box, 1.5A apart, joined by the stroke.
    gong_r = box_r - 1.4 * a - 1.25 * a
    gap = 1.5 * a
    path = c.beginPath()
    path.moveTo(cx - gong_r, cy + gap / 2)
    path.arcTo(cx - gong_r, cy + gap / 2 - gong_r, cx + gong_r, cy + gap / 2 + gong_r, startAng=180, extent=-180)
    path.close()
    path.moveTo(cx - gong_r, cy - gap / 2)
    path.arcTo(cx - gong_r, cy - gap / 2 - gong_r, cx + gong_r, cy - gap / 2 + gong_r, startAng=180, extent=180)
    path.close()
    c.drawPath(path, stroke=0, fill=1)
    c.restoreState()
