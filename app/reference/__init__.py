"""The plan's reference data (districts, host types, build modes, targets): the lists, their tables and loading."""
