"""Probes: decode a run's checkpoint on a frozen prompt list, repair, score, classify failures."""
