"""The register of stations: their data, scope, inspections, and the CSV/XLSX station import."""
