"""What every area shares: the clock, and (as the areas are regrouped) errors, scope and the like.
Nothing here imports from an area."""
