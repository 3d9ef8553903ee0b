"""Helpers of the registry tests: a fake extractor, invented reports, a throwaway PostgreSQL server."""
