"""handouts: exercise routines as YAML -> printable handouts, cards and booklets."""

__version__ = "0.1.0"
