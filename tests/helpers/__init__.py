"""Code the tests share that is not a pytest fixture: worker scripts and fuzzing settings."""
