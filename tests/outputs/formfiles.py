"""Helpers for the sample-table tests: the files made once per session, tools to read them.

The expected labels are read from ``data/form.yaml`` (and the modules and
stages it refers to) directly, not from the print layout, so a renderer that
drops a row fails even if the layout module itself lost it.
"""

from __future__ import annotations

import atexit
import functools
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_TMP = Path(tempfile.mkdtemp(prefix="form-files-"))
atexit.register(shutil.rmtree, _TMP, True)


@functools.lru_cache(maxsize=None)
def site():
    from sitegen.load import load_data

    return load_data(ROOT / "data", ROOT)


@functools.lru_cache(maxsize=None)
def produced() -> dict[str, tuple[object, Path, float]]:
    """{key: (Produced, file, seconds)} for the DOCX and the PDF of the repository's data."""
    from sitegen.outputs import form_docx, form_pdf

    out = _TMP / "out"
    result = {}
    for module in (form_docx, form_pdf):
        start = time.perf_counter()
        (item,) = module.produce(site(), out)
        result[item.key] = (item, out / item.path, time.perf_counter() - start)
    return result


def docx_file() -> Path:
    return produced()["form-docx"][1]


def pdf_file() -> Path:
    return produced()["form-pdf"][1]


def soffice_to_pdf(docx: Path, out_dir: Path) -> Path:
    """Convert with LibreOffice headless, in a private profile so parallel runs do not collide."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is missing: run `make system` (libreoffice-writer-nogui)"
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / "lo-profile"
    run = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out_dir), str(docx)],
        capture_output=True, text=True, timeout=240,
    )
    target = out_dir / (docx.stem + ".pdf")
    assert run.returncode == 0 and target.is_file(), f"LibreOffice could not open {docx.name}: {run.stderr}"
    return target


@functools.lru_cache(maxsize=None)
def libreoffice_pdf() -> Path:
    return soffice_to_pdf(docx_file(), _TMP / "lo")


def tool(*args: str) -> str:
    run = subprocess.run(list(args), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"{args[0]} failed: {run.stderr}"
    return run.stdout


def pdf_pages(path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", tool("pdfinfo", str(path)), re.M).group(1))


def pdf_text(path: Path, page: int | None = None, raw: bool = False) -> str:
    """The text of a PDF (or one page); ``raw`` keeps content-stream order instead of reading order."""
    args = ["pdftotext", "-enc", "UTF-8"] + (["-raw"] if raw else [])
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return tool(*args, str(path), "-")


def squash(text: str) -> str:
    """Text without any white space, so line and cell breaks do not matter."""
    return re.sub(r"\s+", "", text)


def expected_labels(site_data) -> list[str]:
    """Every heading, row label, hint, option, field and element of the form definition."""
    form = site_data.form
    labels = [form.title, *form.header_fields, form.basic.heading, form.basic.note,
              form.plan.heading, form.plan.instructions, *form.plan.elements]
    for row in form.basic.rows:
        labels.append(row.label)
        if row.hint:
            labels.append(row.hint)
        labels += [f"□{option}" for option in site_data.form_options(row)]
        for pair in row.fields or []:
            labels += pair
    for stage in site_data.stages:
        labels.append(stage.name)
    labels.append(f"{form.plan.word_limit}字以内")
    return labels
