"""A synthetic population that looks like Korea: the test bed for population figures and, later, the
content of the agencies' registries. Marginals come from published statistics (marginals.yaml)."""

from nara.population.generate import GenerationReport, generate
from nara.population.marginals import Marginals, load_marginals
from nara.population.measure import MarginalCheck, check_marginals

__all__ = ["GenerationReport", "MarginalCheck", "Marginals", "check_marginals", "generate", "load_marginals"]
