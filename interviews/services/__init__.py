"""Multi-model workflows, one module per topic (decisions.py, …).

The workflows written before this package existed still live in the module
`interviews/services.py` beside it, which this package shadows; it is loaded here and its
names re-exported, so `from interviews.services import submit_scorecard` keeps working
until that module is folded into this package.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_LEGACY_NAME = "interviews._services_module"


def _load_legacy_module():
    if _LEGACY_NAME in sys.modules:
        return sys.modules[_LEGACY_NAME]
    path = Path(__file__).resolve().parent.parent / "services.py"
    spec = importlib.util.spec_from_file_location(_LEGACY_NAME, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[_LEGACY_NAME] = module
    spec.loader.exec_module(module)
    return module


_legacy = _load_legacy_module()
globals().update(
    {name: value for name, value in vars(_legacy).items() if not name.startswith("__")}
)
