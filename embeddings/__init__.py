"""Everything about vectors: the sentence encoder, the vector index, similarity scores.

This package never imports ``service``: it works on strings, ids and arrays.
"""
