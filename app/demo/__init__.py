"""Demo data: one account per role and 90 days of their life, seeded through the areas' services (a front door, like the CLI)."""
