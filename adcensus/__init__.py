"""adcensus: count the distinct persons behind a file of online ads.

Data flows one way: read → normalize → block → compare → cluster → estimate → write.
"""

from __future__ import annotations

__version__ = "0.1.0"
