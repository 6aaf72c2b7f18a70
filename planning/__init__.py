"""Training-of-trainers cohort planner: pure Python, no Streamlit, no database."""

from planning.editing import compare_plans, move_learner, swap_relay
from planning.greedy import greedy_plan
from planning.instances import generate
from planning.model import Cohort, Instance, Learner, LeftOut, Params, Plan, Relay, Wave
from planning.monolithic import monolithic_plan
from planning.rules import Violation, check_plan
from planning.solve import solve

__all__ = [
    "Cohort", "Instance", "Learner", "LeftOut", "Params", "Plan", "Relay", "Violation", "Wave",
    "check_plan", "compare_plans", "generate", "greedy_plan", "monolithic_plan",
    "move_learner", "solve", "swap_relay",
]
