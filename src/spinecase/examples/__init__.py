"""A demonstration case report written for spinecase (invented patient, our own words)."""
