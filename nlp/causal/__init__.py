"""Cause/effect span tagging trained on FinCausal: data, official metric, model, training."""
