"""Keepers: the codes staff hand out, binding a worker to a station, and the station's roster of keepers."""
