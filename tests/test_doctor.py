from labkit import doctor
from labkit.cli import main


def test_doctor_passes_here():
    report = doctor.run_checks()
    assert report.ok, report.as_text()
    assert report.versions["ipywidgets"]


def test_frontend_mismatch_is_reported():
    check = doctor._widget_frontend_matches({"ipywidgets": "8.1.0", "jupyterlab_widgets": "1.1.0"})
    assert not check.ok and "jupyterlab_widgets 3" in check.detail


def test_doctor_cli(capsys):
    assert main(["doctor"]) == 0
    assert "widget events" in capsys.readouterr().out
