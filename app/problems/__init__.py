"""Workers' problem reports and the tickets they open: the loop from "the door was locked" to a
fix by a deadline, confirmed by district staff and told back to the worker (README "Problem
reports")."""
