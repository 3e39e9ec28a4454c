"""Insights: ranked findings, analyst edits, the assumption check and empathy gap, personas and
empathy maps, theme trends."""
