"""Views by area: reading pages, community actions, vetting (study tools live in study/)."""
