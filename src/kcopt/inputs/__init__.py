"""Read → validate: the project-list contract (schema), the scenario file and its keys, budget and
rate files, the starter scenario and the seeded demo data."""
