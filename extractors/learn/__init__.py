"""Trained components: training data, deterministic linear models, artifacts and training.

The trained components sit beside the rule components in the same spaCy pipeline
(:mod:`extractors.components`); their training code lives here, their artifacts in
``models/<name>/`` (JSON weights and a model card), loaded from disk, never downloaded.
"""
