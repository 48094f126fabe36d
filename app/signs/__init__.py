"""Signs: the signed token a station's QR code carries, and the print-ready sign PDF."""
