"""report.html: one self-contained, deterministic page (inline SVG charts, CSP-locked script)."""
