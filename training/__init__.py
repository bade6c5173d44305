"""Training pipeline for the emotion model (CLI: python -m training.train / python -m training.evaluate)."""
