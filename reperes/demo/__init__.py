"""Demo data: a fictitious PLIE on the Terres de Lorraine territory, in the exchange format.

Pure Python and NumPy (no Django), so the CLI, the benchmarks and the tests
can call it directly.
"""

from .actions import ACTIONS, DemoAction
from .communes import TERRES_DE_LORRAINE_EPCI, CommuneInfo, load_communes
from .generator import GenerationSummary, generate

__all__ = ["ACTIONS", "TERRES_DE_LORRAINE_EPCI", "CommuneInfo", "DemoAction", "GenerationSummary", "generate",
           "load_communes"]
