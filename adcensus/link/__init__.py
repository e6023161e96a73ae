"""Linking: block → compare → cluster. Each stage is a plain function over arrays."""

from adcensus.link.blocking import candidate_pairs
from adcensus.link.cluster import cluster_persons, group_networks
from adcensus.link.compare import score_pairs

__all__ = ["candidate_pairs", "cluster_persons", "group_networks", "score_pairs"]
