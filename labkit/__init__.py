"""Drift Lab's kit: offline twins of SageMaker Model Monitor and Clarify, and the lessons' helpers.

Import the concept you need by module, as the notebooks do::

    from labkit import data_quality, drift, scenarios

Nothing heavy is imported here: sagemaker, boto3 and shap load only inside the functions that
need them, so ``import labkit`` stays fast (tests/test_imports.py checks what it loads).
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
