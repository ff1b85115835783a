"""The security evaluation harness behind `scripts/hv eval` (docs/eval.md)."""
