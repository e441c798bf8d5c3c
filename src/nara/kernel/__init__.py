"""Domain-free building blocks: database, errors, clock."""
