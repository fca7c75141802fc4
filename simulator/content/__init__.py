"""Content: pydantic models for scenarios, rubrics and signal rules, and YAML loading."""
