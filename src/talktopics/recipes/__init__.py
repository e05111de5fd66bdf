"""Recipes: the order of the stages for each command; they call stages and do nothing else."""
