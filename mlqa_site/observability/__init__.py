"""What the people who run MLQA see of it: request ids and logs, errors
(Sentry), health (/healthz) and metrics (/metrics)."""
