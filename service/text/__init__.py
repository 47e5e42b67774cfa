"""Text stages: clean (markup out), segment (claims out), facts (what each claim says)."""
