"""Production settings plus what only the benchmark needs.

``bench/run.py`` serves the site with these: everything is
``mlqa_site.settings.prod`` (debug off, WhiteNoise, the same middleware), with
two differences that never reach a deployment:

* ``ROOT_URLCONF`` adds ``/bench/bare/``, a view returning a short string
  through the same middleware stack: the ceiling the pages are compared with.
  Production settings do not expose it.
* The vote limit is raised, so that a load of thousands of votes per minute
  from a thousand members measures voting rather than the 429 page. The limit
  is still checked (and counted in Redis) on every vote.
"""

from mlqa_site.settings import prod
from mlqa_site.settings.prod import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
MLQA_RATE_LIMITS = {**prod.MLQA_RATE_LIMITS, "vote": (1_000_000, 60)}
