"""One thin playground per notebook, each a ``WidgetApp`` over pure ``labkit`` functions.

Import the app you need from its module (``from labkit.widgets.data_quality import DataQualityApp``);
this package imports no widget library by itself.
"""
