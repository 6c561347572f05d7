"""Stance classifiers: the model kinds registered in ``pipeline.registry.stance_models`` and
applying a saved model (``stance_model``), grouped cross-validation and training (``train``)."""
