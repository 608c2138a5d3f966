"""Views by area: reading pages, community actions, study tools."""
