"""Training-of-trainers cohort planner: pure Python, no Streamlit, no database.

The names below load on first use (PEP 562): the solvers pull in SciPy and
OR-Tools (about a second of imports), and most importers only want
``planning.model`` or ``planning.store`` - the cascade's requests, a person's
erasure, the director's overview through the measured effect.

``planning.solve`` is both a submodule and the function it defines: once the
submodule is imported, the package attribute is the module, so take the
function as ``from planning.solve import solve`` (as every caller does).
"""

from importlib import import_module

_WHERE = {
    "compare_plans": "editing", "move_learner": "editing", "swap_relay": "editing",
    "greedy_plan": "greedy", "generate": "instances",
    "Cohort": "model", "Instance": "model", "Learner": "model", "LeftOut": "model", "Params": "model",
    "Plan": "model", "Relay": "model", "Wave": "model",
    "monolithic_plan": "monolithic", "Violation": "rules", "check_plan": "rules", "solve": "solve",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):  # noqa: ANN202
    if name in _WHERE:
        value = getattr(import_module(f"planning.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'planning' has no attribute {name!r}")
