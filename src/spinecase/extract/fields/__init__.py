"""Field extractors: one module per clinical concept, each filling part of a patient's draft."""
