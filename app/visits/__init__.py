"""Visits (服务人次): check-ins, keepers' walk-ins, the rollups behind the reports, and the visit reports."""
