"""Spreadsheets every area writes: one XLSX/CSV export helper and the print setup of every XLSX."""
