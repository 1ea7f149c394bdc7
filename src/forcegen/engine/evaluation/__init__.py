"""Force evaluation: what force materialises in a scenario, how much of each force option it
fills, and which condition is the real veto.

Entry points: :func:`evaluate` (one scenario) and :func:`evaluate_all`; result:
:class:`ScenarioResult`.
"""

from forcegen.engine.evaluation.evaluate import ScenarioResult, evaluate, evaluate_all

__all__ = ["ScenarioResult", "evaluate", "evaluate_all"]
