"""What a report is built from: :class:`ReportInputs`, gathered by :mod:`reperes.reports.data` (Django side)
or by a test, and the source line every figure of the report carries.

Pure: nothing here imports Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reperes.analytics import disclosure


@dataclass
class ReportInputs:
    """Everything the report is built from (gathered by :mod:`reperes.reports.data`, or by a test)."""

    plie_name: str = "PLIE"
    seuil: int = disclosure.SEUIL_PAR_DEFAUT
    is_demo: bool = False
    dataset: Any = None  # reperes.analytics.frames.Dataset, or None when no data could be loaded
    snapshot: Mapping[str, Any] = field(default_factory=dict)  # imports, data hash
    introduction: str = ""
    methode: str = ""
    comments: Mapping[str, str] = field(default_factory=dict)  # section slug → commentary
    sources: Sequence[str] = ()  # French lines describing the imports
    version: str = ""
    providers: bool = True  # ask the other domains for their chapters (PROVIDERS); off for pure tests


def source_text(inputs: ReportInputs) -> str:
    imports = inputs.snapshot.get("imports", ())
    if not imports:
        return f"Repères, données de parcours du {inputs.plie_name}"
    shown = ", ".join(str(i) for i in imports)
    return f"Repères, données de parcours du {inputs.plie_name} (imports n° {shown})"
