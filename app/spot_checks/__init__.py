"""Spot checks (暗访): unannounced inspections staff record from a phone, and the flag on a
station that fails too many of them (README "Spot checks")."""
