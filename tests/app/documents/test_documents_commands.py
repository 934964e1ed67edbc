"""`kasir pdf ID [--receipt] [--paper a4|letter] [--html] -o FILE`."""

import json

import pytest

from app.cli import main
from app.services.invoices import PaymentInput, issue, mark_paid


@pytest.fixture
def issued(ctx, make_draft):
    return issue(ctx, make_draft().id)


def _run(capsys, db_path, *argv):
    code = main([*argv, "--db", str(db_path)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_pdf_to_a_file(capsys, db_path, issued, tmp_path, kit):
    target = tmp_path / "out.pdf"
    code, out, err = _run(capsys, db_path, "pdf", str(issued.id), "-o", str(target))
    assert code == 0, err
    assert f"Invoice {issued.local_number} saved as PDF (A4, 1 page): {target}" in out
    assert issued.local_number in kit.text(target.read_bytes())


def test_json_letter_and_html(capsys, db_path, issued, tmp_path):
    target = tmp_path / "x.pdf"
    code, out, _ = _run(capsys, db_path, "pdf", issued.local_number, "--paper", "letter",
                        "-o", str(target), "--json")
    info = json.loads(out)
    assert code == 0 and info["paper"] == "letter" and info["pages"] == 1
    assert info["bytes"] == target.stat().st_size and info["number"] == issued.local_number

    page = tmp_path / "x.html"
    code, out, _ = _run(capsys, db_path, "pdf", str(issued.id), "-o", str(page))  # by suffix
    assert code == 0 and "saved as HTML" in out
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    other = tmp_path / "y.out"
    code, _, _ = _run(capsys, db_path, "pdf", str(issued.id), "--html", "-o", str(other))
    assert code == 0 and b"<html" in other.read_bytes()


def test_receipt_and_default_file_name(capsys, ctx, db_path, issued, tmp_path, monkeypatch):
    _, receipt = mark_paid(ctx, issued.id, PaymentInput("edc", "APPR 7781", None))
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, db_path, "pdf", str(issued.id), "--receipt")
    assert code == 0, err
    assert f"Receipt {receipt.number}" in out
    assert (tmp_path / f"{receipt.number}.pdf").read_bytes().startswith(b"%PDF-")


def test_pdf_to_standard_output(capsysbinary, db_path, issued):
    code = main(["pdf", str(issued.id), "-o", "-", "--db", str(db_path)])
    out = capsysbinary.readouterr().out
    assert code == 0 and out.startswith(b"%PDF-") and out.rstrip().endswith(b"%%EOF")


@pytest.mark.parametrize("argv,code,message", [
    (["--paper", "a5"], 3, "Choose a4 or letter"),
    (["--receipt"], 5, "no receipt yet"),
    (["-o", "/nonexistent-folder/x.pdf"], 3, "does not exist"),
])
def test_refusals(capsys, db_path, issued, argv, code, message, tmp_path):
    argv = argv if "-o" in argv else argv + ["-o", str(tmp_path / "x.pdf")]
    got, out, err = _run(capsys, db_path, "pdf", str(issued.id), *argv)
    assert got == code and message in err
    assert not (tmp_path / "x.pdf").exists()


def test_unknown_invoice(capsys, db_path, issued, tmp_path):
    got, out, _ = _run(capsys, db_path, "pdf", "T1-777777", "-o", str(tmp_path / "x.pdf"),
                       "--json")
    assert got == 4 and json.loads(out)["error"]["code"] == "not_found"


def test_commands_module_is_cheap_to_import():
    import subprocess
    import sys

    code = ("import sys, app.cli.documents; "
            "bad = [m for m in ('reportlab', 'sqlalchemy', 'PIL') if m in sys.modules]; "
            "print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_readme_image_script(tmp_path):
    import runpy

    from PIL import Image

    script = runpy.run_path(str(__import__("pathlib").Path(__file__).parents[3]
                                / "scripts" / "render_document_images.py"))
    assert script["main"](["--out", str(tmp_path), "--dpi", "30"]) == 0
    for name in ("invoice-pdf.png", "receipt-pdf.png"):
        with Image.open(tmp_path / name) as img:
            assert abs(img.size[0] - 248) <= 1 and abs(img.size[1] - 351) <= 1  # A4, 30 dpi
