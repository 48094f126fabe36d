"""Spreadsheets every area writes: one XLSX/CSV export helper and the print setup of every XLSX."""

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
