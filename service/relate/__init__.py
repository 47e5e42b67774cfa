"""Relate: decide, for a pair of claims, agreement, contradiction or related, and why."""

from service.relate.classify import Relater, classify

__all__ = ["Relater", "classify"]
