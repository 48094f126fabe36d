"""What signs are made from: the union's colours and emblem (附件4), and where an official
emblem file goes. Rendered signs are written to qr_assets/output/ (ignored by git)."""

from pathlib import Path

from reportlab.lib.colors import CMYKColor

ASSETS_DIR = Path(__file__).resolve().parent
OUTPUT_DIR = ASSETS_DIR / "output"
# An official emblem image placed here is used instead of the drawn roundel.
OFFICIAL_EMBLEM = ASSETS_DIR / "emblem.png"

# 附件4: 红色 C0 M100 Y100 K10, 金黄色 C0 M10 Y100 K0 (reportlab takes fractions).
UNION_RED = CMYKColor(0, 1, 1, 0.1)
UNION_GOLD = CMYKColor(0, 0.1, 1, 0)
INK = CMYKColor(0, 0, 0, 1)  # plain black, one ink, for the QR and body text
PAPER = CMYKColor(0, 0, 0, 0)
GREY = CMYKColor(0, 0, 0, 0.7)
