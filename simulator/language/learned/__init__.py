"""The learned layer beside the signal rules: n-gram logistic models and a rule/model combiner.

``model`` is what runs (numpy only); ``train`` and ``fit`` are how the shipped weights are made
(``simulator train-detector``); see docs/detection.md.
"""
